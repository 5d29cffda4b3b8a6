using System.Diagnostics;
using System.Text.Json.Nodes;
using Paradox.Reproduction;
using Paradox.Tests.Cli;
using Paradox.Training;
using Xunit;

namespace Paradox.Tests.Reproduction;

/// <summary>
/// Running the grid elsewhere: the Slurm job array and the GNU parallel command list `reproduce --emit` writes, several
/// runs at once with `--workers` (child processes sharing runs.db), a report gathered from copied-back run
/// directories, and bit-identical regeneration on the smoke profile.
/// </summary>
[Collection(CliRunner.Collection)]
public class ScaleOutTests : IDisposable
{
    readonly ScratchDir dir = new();
    string MainDir => dir.File("runs");

    public void Dispose() => dir.Dispose();

    (int Code, string Output, string[] Errors) Reproduce(params string[] args) =>
        CliRunner.RunCapturingOutput(["reproduce", "--grid", GridFileTests.GridPath, "--main_dir", MainDir, .. args]);

    static (int Code, string Output, string Error) Shell(string script, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in script.Split(' ')) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    [Fact]
    public void Emit_slurm_dry_run_prints_a_valid_job_array_with_one_task_per_run()
    {
        var (code, script, errors) = Reproduce("--profile", "cpu2", "--tables", "table2,table3,table4", "--datasets", "all",
            "--emit", "slurm", "--dry_run");
        Assert.True(code == 0, string.Join(" | ", errors));
        Assert.False(Directory.Exists(MainDir));   // a dry run writes nothing
        var file = dir.File("job.slurm");
        File.WriteAllText(file, script);
        var syntax = Shell($"-n {file}");
        Assert.True(syntax.Code == 0, syntax.Error);

        var runs = GridDefinition.Load(GridFileTests.GridPath).Runs(["table2", "table3", "table4"]).ToList();
        Assert.Contains($"#SBATCH --array=0-{runs.Count - 1}\n", script);
        Assert.Contains("#SBATCH --requeue\n", script);
        Assert.All(runs, r => Assert.Contains($"\n  {r.Label}  # ", script));

        // task k runs grid run k alone, with the task's cores, in its own main directory
        var stub = dir.File("paradox-stub");
        File.WriteAllText(stub, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        int k = runs.FindIndex(r => r.Label == "parametrized-DC-1.5-300-s103");
        var task = Shell(file, ("SLURM_ARRAY_TASK_ID", k.ToString()), ("SLURM_CPUS_PER_TASK", "3"), ("PARADOX", stub));
        Assert.True(task.Code == 0, task.Error);
        var args = task.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string After(string flag) => args[Array.IndexOf(args, flag) + 1];
        Assert.Equal(@"^parametrized-DC-1\.5-300-s103$", After("--only"));
        Assert.Equal("3", After("--threads"));
        Assert.Equal(Path.Combine(MainDir, "tasks", "parametrized-DC-1.5-300-s103"), After("--main_dir"));
        Assert.True(Directory.Exists(After("--main_dir")));

        // the task's command selects exactly that run
        (code, var plan, errors) = CliRunner.RunCapturingOutput([.. args, "--dry_run"]);
        Assert.True(code == 0, string.Join(" | ", errors));
        Assert.Contains("1 runs of table2, table3, table4, profile cpu2", plan);
    }

    [Fact]
    public void Emit_parallel_writes_one_valid_command_per_run()
    {
        var (code, output, errors) = Reproduce("--profile", "cpu2", "--only", "^mnist-CONV-", "--threads", "1", "--emit", "parallel");
        Assert.True(code == 0, string.Join(" | ", errors));
        var file = Path.Combine(MainDir, "reproduce-cpu2.parallel");
        Assert.Contains($"wrote {file}: 6 commands", output);
        var lines = File.ReadAllLines(file);
        Assert.Equal(6, lines.Length);
        Assert.All(lines, l => Assert.Contains("--threads 1", l));
        Assert.Contains("--only '^mnist-CONV-hbox$'", lines[1]);
        var syntax = Shell($"-n {file}");
        Assert.True(syntax.Code == 0, syntax.Error);
    }

    [Theory]
    [InlineData("--emit", "pbs", "--emit: unknown kind 'pbs'")]
    [InlineData("--workers", "0", "--workers: must be at least 1")]
    public void Bad_scale_out_options_are_one_line_errors(string flag, string value, string expected)
    {
        var (code, _, errors) = Reproduce("--profile", "smoke", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, Assert.Single(errors));
        Assert.False(Directory.Exists(MainDir));
    }

    /// <summary>A stop request reaches running workers as SIGTERM (their stop request too), and no further job starts.</summary>
    [Fact]
    public void A_stop_request_sends_sigterm_to_running_workers_and_starts_no_more()
    {
        // a worker that exits 42 on SIGTERM and otherwise runs for a minute
        var pool = new WorkerPool("/bin/sh", ["-c", "trap 'exit 42' TERM; i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done"]);
        var watch = Stopwatch.StartNew();
        var codes = pool.Run([("first", []), ("second", [])], workers: 1, stop: () => watch.Elapsed > TimeSpan.FromSeconds(0.5), _ => { });
        Assert.Equal(42, codes["first"]);
        Assert.False(codes.ContainsKey("second"), "a job started after the stop request");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"the worker ran {watch.Elapsed} after the stop request");
    }

    const string ThreeRuns = "^fashion-mnist-FC-(box|crownibp1to0|crownibp1to1)$";

    /// <summary>Three child processes write runs.db at once (WAL, busy timeout); all three runs are recorded finished.</summary>
    [Fact]
    public void Workers_train_several_runs_at_once_in_child_processes_sharing_runs_db()
    {
        var (code, output, errors) = Reproduce("--profile", "smoke", "--only", ThreeRuns, "--workers", "3", "--threads", "1");
        Assert.True(code == 0, string.Join(" | ", errors) + output);
        Assert.Contains("3 runs to do, 3 at once with 1 threads each", output);
        Assert.Contains("[fashion-mnist-FC-crownibp1to0] ", output);
        using (var store = RunStore.Open(MainDir))
        {
            var runs = store.List(RunFilter.All);
            Assert.Equal(3, runs.Count);
            Assert.All(runs, r => Assert.Equal(RunStatus.Finished, r.Status));
            Assert.Equal(3, runs.Select(r => r.Pid).Distinct().Count());   // three processes
            Assert.DoesNotContain(Environment.ProcessId, runs.Select(r => r.Pid));
        }
        Assert.Contains("3 runs: 3 finished", output);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(MainDir, "report.json")))!;
        Assert.Equal(3, report["runs"]!.AsArray().Count(r => (string?)r!["status"] == "finished"));
        Assert.True(File.Exists(Path.Combine(MainDir, "curves-table2-fashionmnist-fc.png")));

        // the same runs trained "elsewhere" and copied back: the report of another main directory gathers them
        var other = dir.File("gathered");
        (code, output, errors) = CliRunner.RunCapturingOutput(["reproduce", "report", "--grid", GridFileTests.GridPath, "--main_dir", other,
            "--profile", "smoke", "--only", ThreeRuns, "--from", MainDir]);
        Assert.True(code == 0, string.Join(" | ", errors));
        Assert.Contains("3 runs: 3 finished", output);
        (code, _, errors) = CliRunner.RunCapturingOutput(["reproduce", "report", "--grid", GridFileTests.GridPath, "--main_dir", other,
            "--profile", "smoke", "--from", dir.File("nowhere")]);
        Assert.Equal(2, code);
        Assert.Contains("--from:", Assert.Single(errors));
    }

    /// <summary>The same profile, seed and thread count give the same numbers: every metric but the seconds, and the results.</summary>
    [Fact]
    public void The_same_profile_seed_and_threads_regenerate_the_same_numbers()
    {
        string[] Numbers(string mainDir)
        {
            var run = Path.Combine(mainDir, "fashion-mnist-CONV-crownibp1to1-smoke");
            var metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"))
                .Select(l => string.Join(",", l.Split(',').Where((_, i) => i != 8)));   // column 8: seconds
            var results = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!.AsArray()[0]!;
            return [.. metrics, results["standard_accuracy"]!.ToJsonString(), results["pgd_accuracy"]?.ToJsonString() ?? "",
                results["certified"]!.ToJsonString()];
        }
        var first = dir.File("first");
        var second = dir.File("second");
        foreach (var main in new[] { first, second })
        {
            var (code, _, errors) = CliRunner.RunCapturingOutput(["reproduce", "--grid", GridFileTests.GridPath, "--main_dir", main,
                "--profile", "smoke", "--only", "^fashion-mnist-CONV-crownibp1to1$", "--threads", "1"]);
            Assert.True(code == 0, string.Join(" | ", errors));
        }
        var a = Numbers(first);
        Assert.Equal(2, a.Count(l => l.StartsWith("1,") || l.StartsWith("epoch")));
        Assert.Equal(a, Numbers(second));
    }
}
