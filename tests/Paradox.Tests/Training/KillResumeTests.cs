using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Tests.Cli;
using Xunit;

namespace Paradox.Tests.Training;

/// <summary>A run killed with SIGKILL (at an epoch's end or mid-epoch) or stopped with SIGTERM, and resumed, ends with
/// bit-identical weights to an uninterrupted run.</summary>
[Collection(CliRunner.Collection)]
public sealed class KillResumeTests
{
    static string[] TrainArgs(string mainDir, string label) =>
    [
        "train", "--dataset", "fashion-mnist", "--net", "fc2", "--train_domain", "hbox", "--eps_train", "0.05",
        "--n_epochs", "6", "--warmup_epochs", "0", "--mix_epochs", "2", "--n_train", "1000", "--batch_size", "50",
        "--verify_domains", "box", "--verify_max_tests", "50", "--pgd_steps", "5", "--seed", "7", "--threads", "2",
        "--main_dir", mainDir, "--label", label,
    ];

    static string FinalHash(string runDir) =>
        ModelFile.Load(Path.Combine(runDir, "final.ckpt"), new ModelFile.Hints(null, null, null)).ParameterHash();

    /// <summary>The final weights of the run trained without interruption (the same for every test: one seed, two threads).</summary>
    static readonly Lazy<string> Uninterrupted = new(() =>
    {
        using var scratch = new ScratchDir();
        var root = scratch.Path;
        var (code, _, errors) = CliRunner.RunCapturingOutput(TrainArgs(root, "straight"));
        Assert.True(code == 0, string.Join("\n", errors));
        return FinalHash(Path.Combine(root, "straight"));
    });

    /// <summary>Starts the run in a child process and returns it once <paramref name="file"/> exists in its directory.</summary>
    static Process StartUntil(string[] args, string runDir, string file)
    {
        var process = Process.Start(CliProcess.StartInfo(args))!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var watch = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(runDir, file)) && !process.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2))
            Thread.Sleep(10);
        Assert.False(process.HasExited, $"the run finished before {file} was written");
        return process;
    }

    /// <summary>Resumes the run, checks it ends with the uninterrupted run's weights and one metrics row per epoch; returns
    /// the resume's output.</summary>
    static string ResumeAndCompare(string runDir)
    {
        var (resumed, output, resumeErrors) = CliRunner.RunCapturingOutput("train", "--resume", runDir, "--threads", "2");
        Assert.True(resumed == 0, string.Join("\n", resumeErrors));
        Assert.Equal(Uninterrupted.Value, FinalHash(runDir));
        var metrics = File.ReadAllLines(Path.Combine(runDir, "metrics.csv"));
        Assert.Equal(7, metrics.Length); // header + one row per epoch, none duplicated by the resume
        Assert.False(File.Exists(Path.Combine(runDir, "progress.ckpt")), "progress.ckpt outlived the epoch checkpoints");
        return output;
    }

    [Fact]
    public void Killed_and_resumed_run_matches_an_uninterrupted_one()
    {
        using var scratch = new ScratchDir();
        var root = scratch.Path;
        var runDir = Path.Combine(root, "killed");
        using (var process = StartUntil(TrainArgs(root, "killed"), runDir, "epoch-2.ckpt"))
        {
            Thread.Sleep(150); // somewhere inside epoch 3
            process.Kill(entireProcessTree: true); // SIGKILL
            process.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(runDir, "final.ckpt")));
        ResumeAndCompare(runDir);
    }

    [Fact]
    public void A_run_killed_mid_epoch_resumes_from_its_progress_checkpoint()
    {
        using var scratch = new ScratchDir();
        var root = scratch.Path;
        var runDir = Path.Combine(root, "killed");
        // 0.0005 minutes = 30 ms: a progress checkpoint after nearly every step
        using (var process = StartUntil([.. TrainArgs(root, "killed"), "--save_minutes", "0.0005"], runDir, "epoch-2.ckpt"))
        {
            var watch = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(runDir, "progress.ckpt")) && watch.Elapsed < TimeSpan.FromMinutes(1)) Thread.Sleep(5);
            process.Kill(entireProcessTree: true); // SIGKILL, no chance to save anything
            process.WaitForExit();
        }
        var output = ResumeAndCompare(runDir);
        var resumedAt = Regex.Match(output, @"from progress\.ckpt \(epoch \d+, batch (\d+)\)");
        Assert.True(resumedAt.Success, $"did not resume from progress.ckpt:\n{output}");
        Assert.True(int.Parse(resumedAt.Groups[1].Value, CultureInfo.InvariantCulture) > 0, output);
    }

    [Fact]
    public void Sigterm_stops_after_the_current_step_with_the_state_saved()
    {
        using var scratch = new ScratchDir();
        var root = scratch.Path;
        var runDir = Path.Combine(root, "stopped");
        var errors = new List<string>();
        using (var process = StartUntil(TrainArgs(root, "stopped"), runDir, "epoch-2.ckpt"))
        {
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.Add(e.Data); };
            Thread.Sleep(150); // somewhere inside epoch 3
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "SIGTERM did not stop the run");
            Assert.Equal(130, process.ExitCode);
        }
        Assert.True(File.Exists(Path.Combine(runDir, "interrupted.ckpt")), string.Join("\n", errors));
        Assert.False(File.Exists(Path.Combine(runDir, "final.ckpt")));
        var output = ResumeAndCompare(runDir);
        Assert.Contains("from interrupted.ckpt", output);
    }

    [Fact]
    public void Resuming_something_that_is_not_a_run_is_a_one_line_error()
    {
        using var scratch = new ScratchDir();
        var dir = scratch.Path;
        var (code, errors) = CliRunner.Run("train", "--resume", dir);
        Assert.Equal(2, code);
        Assert.Single(errors);
        Assert.Contains("--resume", errors[0]);
    }

    [Fact]
    public void An_existing_run_is_never_overwritten()
    {
        using var scratch = new ScratchDir();
        var root = scratch.Path;
        Directory.CreateDirectory(Path.Combine(root, "taken"));
        File.WriteAllText(Path.Combine(root, "taken", "config.json"), "{}");
        var (code, errors) = CliRunner.Run(TrainArgs(root, "taken"));
        Assert.Equal(2, code);
        Assert.Contains("--label", Assert.Single(errors));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(root, "taken", "config.json")));
    }
}
