using System.Text.Json.Nodes;
using Paradox.Reproduction;
using Paradox.Tests.Cli;
using Xunit;

namespace Paradox.Tests.Reproduction;

/// <summary>
/// `paradox reproduce` end to end on FashionMNIST with tiny runs: the report's cells, skipping finished runs,
/// resuming an unfinished one, datasets that are missing, and one-line errors for bad input.
/// </summary>
[Collection(CliRunner.Collection)]
public class ReproduceCommandTests : IDisposable
{
    readonly ScratchDir dir = new();
    string MainDir => dir.File("runs");

    public void Dispose() => dir.Dispose();

    /// <summary>`reproduce [report] ARGS` with the repository's grid and the scratch main directory (in-process: the
    /// test process's threads).</summary>
    (int Code, string Output, string[] Errors) Reproduce(params string[] args)
    {
        var verb = args.FirstOrDefault() == "report" ? new[] { "reproduce", "report" } : ["reproduce"];
        var options = FlagTokens.Merge(["--grid", GridFileTests.GridPath, "--main_dir", MainDir], args.Skip(verb.Length - 1), "test");
        return CliRunner.RunCapturingOutput([.. verb, .. options]);
    }

    const string TwoRuns = "^fashion-mnist-FC-(box|crownibp1to1)$";

    [Fact]
    public void Smoke_profile_runs_two_runs_writes_the_report_and_skips_them_the_second_time()
    {
        var (code, output, errors) = Reproduce("--profile", "smoke", "--only", TwoRuns);
        Assert.True(code == 0, string.Join(" | ", errors) + output);
        Assert.Contains("[1/2] fashion-mnist-FC-box", output);
        Assert.Contains("[2/2] fashion-mnist-FC-crownibp1to1", output);
        Assert.Contains("estimated time of the 2 runs to do", output);
        Assert.True(File.Exists(Path.Combine(MainDir, "fashion-mnist-FC-box-smoke", "final.ckpt")));
        Assert.True(File.Exists(Path.Combine(MainDir, "runs.db")));

        var runs = JsonNode.Parse(File.ReadAllText(Path.Combine(MainDir, "report.json")))!["runs"]!.AsArray();
        Assert.Equal(2, runs.Count);
        foreach (var run in runs)
        {
            Assert.Equal("finished", (string?)run!["status"]);
            Assert.Equal("smoke", (string?)run["profile"]);
            Assert.InRange((double)run["standard"]!, 0, 100);
            Assert.InRange((double)run["certified"]!, 0, 100);
        }
        var box = runs.Single(r => (string?)r!["label"] == "fashion-mnist-FC-box")!;
        Assert.Equal(("table2", "Box", "FashionMNIST FC", "box"),
            ((string?)box["table"], (string?)box["row"], (string?)box["column"], (string?)box["verify_domain"]));
        var crown = runs.Single(r => (string?)r!["label"] == "fashion-mnist-FC-crownibp1to1")!;
        Assert.Equal(("CROWN-IBP (R)", "crown-ibp", 12L), ((string?)crown["row"], (string?)crown["verify_domain"], (long)crown["seed"]!));

        var md = File.ReadAllText(Path.Combine(MainDir, "report.md"));
        Assert.Contains("| Relaxation | MNIST FC | MNIST CONV | MNIST CONV (paper) | FashionMNIST FC | FashionMNIST CONV | SVHN CONV | " +
            "CIFAR-10 CONVPLUS |", md);
        Assert.Contains($"| Box | — | — | — / 86.8 | {Cell(box)} | — | — | — |", md);
        Assert.Contains($"| CROWN-IBP (R) | — | — | — / 75.4 | {Cell(crown)} | — | — | — |", md);
        Assert.Contains("| CROWN-IBP | — | — | — | — | — | — | — |", md);
        var csv = File.ReadAllLines(Path.Combine(MainDir, "report.csv"));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("label,run_label,table,row,column,profile,dataset,net,train_domain,verify_domain,seed,standard,certified," +
            "estimated,seconds,status", csv[0]);
        Assert.StartsWith("fashion-mnist-FC-box,fashion-mnist-FC-box-smoke,table2,Box,FashionMNIST FC,smoke,fashion-mnist,FC,box,box,10,",
            csv[1]);

        // a second invocation trains nothing
        var finalWritten = File.GetLastWriteTimeUtc(Path.Combine(MainDir, "fashion-mnist-FC-box-smoke", "final.ckpt"));
        (code, output, errors) = Reproduce("--profile", "smoke", "--only", TwoRuns);
        Assert.Equal(0, code);
        Assert.Contains("estimated time of the 0 runs to do", output);
        Assert.Equal(2, output.Split("already finished").Length - 1);
        Assert.DoesNotContain("epoch 1/1", output);
        Assert.Equal(finalWritten, File.GetLastWriteTimeUtc(Path.Combine(MainDir, "fashion-mnist-FC-box-smoke", "final.ckpt")));

        // the report alone
        File.Delete(Path.Combine(MainDir, "report.md"));
        (code, output, _) = Reproduce("report", "--profile", "smoke", "--only", TwoRuns);
        Assert.Equal(0, code);
        Assert.Contains("2 runs: 2 finished", output);
        Assert.Contains($"{Cell(box)} |", File.ReadAllText(Path.Combine(MainDir, "report.md")));
    }

    static string Cell(JsonNode run) => $"{(double)run["standard"]!:0.0} / {(double)run["certified"]!:0.0}";

    /// <summary>The grid with a two-epoch profile, so a run can be cut after its first epoch.</summary>
    string TwoEpochGrid()
    {
        var grid = JsonNode.Parse(File.ReadAllText(GridFileTests.GridPath))!;
        grid["profiles"]!["two"] =
            JsonNode.Parse("""{ "n_epochs": 2, "flags": "--n_train 200 --verify_max_tests 20 --pgd_steps 2", "tables": ["table2"] }""");
        File.Copy(Path.Combine(Path.GetDirectoryName(GridFileTests.GridPath)!, "paper-experiment-flags.txt"),
            dir.File("paper-experiment-flags.txt"));
        File.WriteAllText(dir.File("grid.json"), grid.ToJsonString());
        return dir.File("grid.json");
    }

    [Fact]
    public void An_unfinished_run_directory_is_resumed_from_its_last_checkpoint()
    {
        var grid = TwoEpochGrid();
        string[] args = ["--grid", grid, "--profile", "two", "--only", "^fashion-mnist-FC-box$"];
        var (code, _, errors) = Reproduce(args);
        Assert.True(code == 0, string.Join(" | ", errors));
        var run = Path.Combine(MainDir, "fashion-mnist-FC-box-two");
        // as if killed during epoch 2: only epoch-1.ckpt survives
        foreach (var name in new[] { "results.json", "final.ckpt", "epoch-2.ckpt" }) File.Delete(Path.Combine(run, name));

        (code, var output, errors) = Reproduce(args);
        Assert.True(code == 0, string.Join(" | ", errors));
        Assert.Contains("resume", output);
        Assert.Contains("resuming fashion-mnist-FC-box-two from epoch-1.ckpt", output);
        Assert.DoesNotContain("epoch 1/2", output);
        Assert.Contains("epoch 2/2", output);
        Assert.True(File.Exists(Path.Combine(run, "results.json")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);   // header, epochs 1 and 2
    }

    [Fact]
    public void Runs_whose_dataset_is_missing_are_skipped_with_the_reason()
    {
        var (code, output, errors) = Reproduce("--profile", "smoke", "--datasets", "all",
            "--only", "^svhn-CONV-box$|^cifar10-CONVPLUS-box$", "--data-dir", dir.File("nothing-here"));
        Assert.True(code == 0, string.Join(" | ", errors));
        Assert.Contains("skipped: SVHN not found at", output);
        Assert.Contains("skipped: CIFAR-10 not found at", output);
        var runs = JsonNode.Parse(File.ReadAllText(Path.Combine(MainDir, "report.json")))!["runs"]!.AsArray();
        Assert.All(runs, r => Assert.Equal("skipped", (string?)r!["status"]));
        Assert.Contains("`svhn-CONV-box-smoke` (table2, Box / SVHN CONV): skipped: SVHN not found at",
            File.ReadAllText(Path.Combine(MainDir, "report.md")));
    }

    [Fact]
    public void A_failing_run_is_reported_and_the_next_one_runs()
    {
        var grid = TwoEpochGrid();
        // a file where the run's directory should be: that run fails, the other one still runs
        Directory.CreateDirectory(MainDir);
        File.WriteAllText(Path.Combine(MainDir, "fashion-mnist-FC-box-two"), "not a directory");
        var (code, output, errors) = Reproduce("--grid", grid, "--profile", "two", "--only", "^fashion-mnist-FC-(box|crownibp1to0)$");
        Assert.Equal(1, code);
        Assert.Contains(errors, e => e.StartsWith("failed: fashion-mnist-FC-box:"));
        Assert.Contains("[2/2] fashion-mnist-FC-crownibp1to0", output);
        Assert.Contains("2 runs: 1 failed, 1 finished", output);
    }

    [Theory]
    [InlineData("--profile", "huge", "--profile: unknown profile 'huge'")]
    [InlineData("--tables", "table9", "--tables: unknown table 'table9'")]
    [InlineData("--only", "(", "--only: '(' is not a regular expression")]
    [InlineData("--only", "^nothing$", "--only: no run of table2 matches")]
    [InlineData("--datasets", "imagenet", "--datasets: unknown dataset 'imagenet'")]
    public void Bad_options_give_one_line_naming_the_flag(string flag, string value, string expected)
    {
        var (code, _, errors) = Reproduce("--profile", "smoke", "--dry_run", flag, value);
        Assert.Equal(2, code);
        var line = Assert.Single(errors);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
    }

    [Theory]
    [InlineData(null, "does not exist")]
    [InlineData("{ \"profiles\": ", "not a valid grid file")]
    [InlineData("{ \"flags_file\": \"paper-experiment-flags.txt\", \"profiles\": {}, \"tables\": [{ \"name\": \"t\", " +
        "\"rows\": [\"Box\"], \"columns\": [\"c\"], \"runs\": [{ \"run\": \"no-such-run\", \"row\": \"Box\", \"column\": \"c\" }] }] }",
        "run 'no-such-run' is not a --label")]
    [InlineData("{ \"flags_file\": \"paper-experiment-flags.txt\", \"profiles\": {}, \"tables\": [], \"colour\": 1 }",
        "not a valid grid file")]
    public void A_missing_or_corrupt_grid_file_is_one_line_naming_the_file(string? content, string expected)
    {
        var path = dir.File("grid.json");
        File.Copy(Path.Combine(Path.GetDirectoryName(GridFileTests.GridPath)!, "paper-experiment-flags.txt"),
            dir.File("paper-experiment-flags.txt"));
        if (content is not null) File.WriteAllText(path, content);
        var (code, _, errors) = Reproduce("--grid", path, "--dry_run");
        Assert.Equal(2, code);
        var line = Assert.Single(errors);
        Assert.StartsWith($"error: ", line);
        Assert.Contains(path, line);
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(MainDir));
    }
}
