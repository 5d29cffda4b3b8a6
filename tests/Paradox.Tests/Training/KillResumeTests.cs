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
    /// <summary>
    /// The run's arguments. Its runs go through separate processes (<see cref="RunCli"/>): they fix --threads 2 for
    /// bit-identity, and an in-process command must not change the test process's thread count.
    /// </summary>
    static string[] TrainArgs(string mainDir, string label) =>
    [
        "train", "--dataset", "fashion-mnist", "--net", "fc2", "--train_domain", "hbox", "--eps_train", "0.05",
        "--n_epochs", "6", "--warmup_epochs", "0", "--mix_epochs", "2", "--n_train", "1000", "--batch_size", "50",
        "--verify_domains", "box", "--verify_max_tests", "50", "--pgd_steps", "5", "--seed", "7", "--threads", "2",
        "--main_dir", mainDir, "--label", label,
    ];

    /// <summary>The CLI assembly built next to this test assembly's configuration (Debug or Release).</summary>
    static string CliAssembly()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testDir.Name;                 // net10.0
        var configuration = testDir.Parent!.Name;     // Debug / Release
        var repo = testDir;
        while (!File.Exists(Path.Combine(repo.FullName, "Paradox.sln"))) repo = repo.Parent!;
        var dll = Path.Combine(repo.FullName, "src", "Paradox.Cli", "bin", configuration, framework, "Paradox.Cli.dll");
        Assert.True(File.Exists(dll), $"CLI not built at {dll}");
        return dll;
    }

    /// <summary>`dotnet Paradox.Cli.dll ARGS` to the end: exit code and standard error.</summary>
    static (int Code, string Errors) RunCli(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(CliAssembly());
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, errors.Result);
    }

    static string FinalHash(string runDir) =>
        ModelFile.Load(Path.Combine(runDir, "final.ckpt"), new ModelFile.Hints(null, null, null)).ParameterHash();

    [Fact]
    public void KilledAndResumedRunMatchesAnUninterruptedOne()
    {
        var root = Directory.CreateTempSubdirectory("paradox-kill-").FullName;
        try
        {
            var (code, errors) = RunCli(TrainArgs(root, "straight"));
            Assert.True(code == 0, errors);
            var expected = FinalHash(Path.Combine(root, "straight"));

            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(CliAssembly());
            foreach (var a in TrainArgs(root, "killed")) info.ArgumentList.Add(a);
            info.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
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

            var (resumed, resumeErrors) = RunCli("train", "--resume", runDir, "--threads", "2");
            Assert.True(resumed == 0, resumeErrors);
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
    public void ResumingSomethingThatIsNotARunIsAOneLineError()
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
    public void AnExistingRunIsNeverOverwritten()
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
