using System.Diagnostics;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Tests.Cli;
using Xunit;

namespace Paradox.Tests.Training;

/// <summary>A run killed with SIGKILL and resumed ends with bit-identical weights to an uninterrupted run.</summary>
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

    [Fact]
    public void Killed_and_resumed_run_matches_an_uninterrupted_one()
    {
        var root = Directory.CreateTempSubdirectory("paradox-kill-").FullName;
        try
        {
            var (code, _, errors) = CliRunner.RunCapturingOutput(TrainArgs(root, "straight"));
            Assert.True(code == 0, string.Join("\n", errors));
            var expected = FinalHash(Path.Combine(root, "straight"));

            var info = CliProcess.StartInfo(TrainArgs(root, "killed"));
            var runDir = Path.Combine(root, "killed");
            using (var process = Process.Start(info)!)
            {
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                var watch = Stopwatch.StartNew();
                while (!File.Exists(Path.Combine(runDir, "epoch-2.ckpt")) && !process.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2))
                    Thread.Sleep(10);
                Assert.False(process.HasExited, "the run finished before it could be killed");
                Thread.Sleep(150); // somewhere inside epoch 3
                process.Kill(entireProcessTree: true); // SIGKILL
                process.WaitForExit();
            }
            Assert.False(File.Exists(Path.Combine(runDir, "final.ckpt")));

            var (resumed, _, resumeErrors) = CliRunner.RunCapturingOutput("train", "--resume", runDir, "--threads", "2");
            Assert.True(resumed == 0, string.Join("\n", resumeErrors));
            Assert.Equal(expected, FinalHash(runDir));
            var metrics = File.ReadAllLines(Path.Combine(runDir, "metrics.csv"));
            Assert.Equal(7, metrics.Length); // header + one row per epoch, none duplicated by the resume
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Resuming_something_that_is_not_a_run_is_a_one_line_error()
    {
        var dir = Directory.CreateTempSubdirectory("paradox-notarun-").FullName;
        try
        {
            var (code, errors) = CliRunner.Run("train", "--resume", dir);
            Assert.Equal(2, code);
            Assert.Single(errors);
            Assert.Contains("--resume", errors[0]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_existing_run_is_never_overwritten()
    {
        var root = Directory.CreateTempSubdirectory("paradox-exists-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "taken"));
            File.WriteAllText(Path.Combine(root, "taken", "config.json"), "{}");
            var (code, errors) = CliRunner.Run(TrainArgs(root, "taken"));
            Assert.Equal(2, code);
            Assert.Contains("--label", Assert.Single(errors));
            Assert.Equal("{}", File.ReadAllText(Path.Combine(root, "taken", "config.json")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
