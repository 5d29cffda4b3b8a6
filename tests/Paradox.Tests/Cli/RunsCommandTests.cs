using System.Text.Json.Nodes;
using Paradox.Training;
using Xunit;

namespace Paradox.Tests.Cli;

/// <summary>`paradox runs` and `paradox runs show` on a main directory with four runs in different states.</summary>
[Collection(CliRunner.Collection)]
public class RunsCommandTests : IDisposable
{
    readonly ScratchDir dir = new();
    readonly TrainConfig mnistBox =
        new() { Label = "mnist-box", Dataset = "mnist", Net = "FC", TrainDomain = "box", EpsTrain = 0.1, NEpochs = 20 };

    public RunsCommandTests()
    {
        using var store = RunStore.Open(dir.Path);
        Begin(store, mnistBox);
        store.Progress("mnist-box", 20);
        store.Finish("mnist-box", """{"n": 1000, "eps": 0.1, "standard_accuracy": 0.985, "pgd_accuracy": 0.95, "certified": """ +
            """{"box": 0.912, "hbox": 0.93}, "seconds": {"box": 1.5, "hbox": 2.25}}""");
        Begin(store, new() { Label = "fmnist-crown", Dataset = "fashion-mnist", Net = "CONV", TrainDomain = "crown:soft", EpsTrain = 0.3 });
        store.Finish("fmnist-crown", """[{"n": 100, "eps": 0.1, "standard_accuracy": 0.9, "certified": {"box": 0.8}}, """ +
            """{"n": 100, "eps": 0.3, "standard_accuracy": 0.9, "certified": {"box": 0.5}}]""");
        Begin(store, new() { Label = "cifar-fail", Dataset = "cifar10", Net = "CONV", TrainDomain = "zono" });
        store.Fail("cifar-fail", "loss is NaN at epoch 3");
        Begin(store, new() { Label = "natural", Mode = TrainMode.TrainNatural });
    }

    public void Dispose() => dir.Dispose();

    void Begin(RunStore store, TrainConfig config) => store.Begin(config.Label, dir.File(config.Label), config);

    (int ExitCode, string Output, string[] ErrorLines) Runs(params string[] args) =>
        CliRunner.RunCapturingOutput(["runs", .. args, "--main_dir", dir.Path]);

    string ListOutput(params string[] args)
    {
        var (code, output, errors) = Runs(args);
        Assert.Empty(errors);
        Assert.Equal(0, code);
        return output;
    }

    [Fact]
    public void Lists_every_run_with_its_certified_accuracy_per_domain()
    {
        var output = ListOutput();
        foreach (var label in new[] { "mnist-box", "fmnist-crown", "cifar-fail", "natural" }) Assert.Contains(label, output);
        foreach (var header in new[] { "status", "train domain", "eps_train", "cert box", "cert hbox", "config hash" })
            Assert.Contains(header, output);
        Assert.Contains("91.20%", output);
        Assert.Contains("93.00%", output);
        Assert.Contains("0.1: 80.00%", output);
        Assert.Contains("0.3: 50.00%", output);
        Assert.Contains("20/20", output);
        Assert.Contains("train-natural", output);
        Assert.Contains(mnistBox.Hash(), output);
        foreach (var status in new[] { "finished", "failed", "running" }) Assert.Contains(status, output);
    }

    [Theory]
    [InlineData(new[] { "--status", "finished" }, new[] { "mnist-box", "fmnist-crown" })]
    [InlineData(new[] { "--status", "FAILED" }, new[] { "cifar-fail" })]
    [InlineData(new[] { "--label", "mnist" }, new[] { "mnist-box", "fmnist-crown" })]
    [InlineData(new[] { "--label", "mnist-*" }, new[] { "mnist-box" })]
    [InlineData(new[] { "--dataset", "fmnist" }, new[] { "fmnist-crown" })]
    [InlineData(new[] { "--net", "CONV", "--domain", "crown" }, new[] { "fmnist-crown" })]
    [InlineData(new[] { "--domain", "zono" }, new[] { "cifar-fail" })]
    public void Filters(string[] flags, string[] expected)
    {
        var (code, output, errors) = Runs([.. flags, "--json"]);
        Assert.Equal(0, code);
        Assert.Empty(errors);
        var labels = JsonNode.Parse(output)!.AsArray().Select(run => (string)run!["label"]!);
        Assert.Equal(expected, labels);
    }

    [Fact]
    public void Json_has_the_record_the_config_and_the_results()
    {
        var runs = JsonNode.Parse(ListOutput("--json"))!.AsArray();
        Assert.Equal(4, runs.Count);
        var box = runs.Single(r => (string)r!["label"]! == "mnist-box")!;
        Assert.Equal("finished", (string)box["status"]!);
        Assert.Equal(20, (int)box["epochs_done"]!);
        Assert.Equal(mnistBox.Hash(), (string)box["config_hash"]!);
        Assert.Equal("mnist", (string)box["config"]!["dataset"]!);
        Assert.Equal(0.912, (double)box["results"]!["certified"]!["box"]!);
        Assert.EndsWith("Z", (string)box["started_at"]!);
        var failed = runs.Single(r => (string)r!["label"]! == "cifar-fail")!;
        Assert.Equal("loss is NaN at epoch 3", (string)failed["error"]!);
        Assert.Null(failed["results"]);
    }

    [Fact]
    public void Show_prints_the_non_default_settings_and_the_results()
    {
        var output = ListOutput("show", "mnist-box");
        Assert.Contains("non-default settings", output);
        Assert.Matches(@"eps_train\s*│\s*0\.1\b", output);
        Assert.Matches(@"n_epochs\s*│\s*20\b", output);
        Assert.Matches(@"train_domain\s*│\s*box\b", output);
        Assert.DoesNotContain("batch_size", output);
        Assert.Contains("eps = 0.1, 1000 test images", output);
        Assert.Matches(@"certified \[box\]\s*│\s*91\.20%\s*│\s*1\.5\b", output);
        Assert.Matches(@"certified \[hbox\]\s*│\s*93\.00%\s*│\s*2\.25\b", output);
        Assert.Matches(@"PGD\s*│\s*95\.00%", output);
    }

    [Fact]
    public void Show_prints_one_results_table_per_eps_and_the_error_of_a_failed_run()
    {
        var output = ListOutput("show", "fmnist-crown");
        Assert.Contains("eps = 0.1, 100 test images", output);
        Assert.Contains("eps = 0.3, 100 test images", output);
        Assert.Contains("failed: loss is NaN at epoch 3", ListOutput("show", "cifar-fail"));
        Assert.Contains("no results yet", ListOutput("show", "natural"));
    }

    [Fact]
    public void Show_json_has_the_full_configuration()
    {
        var run = JsonNode.Parse(ListOutput("show", "mnist-box", "--json"))!;
        Assert.Equal("mnist-box", (string)run["label"]!);
        Assert.Equal(100, (int)run["config"]!["batch_size"]!);
    }

    [Fact]
    public void Main_dir_answers_to_the_kebab_spelling()
    {
        var (code, output, _) = CliRunner.RunCapturingOutput("runs", "--main-dir", dir.Path, "--json");
        Assert.Equal(0, code);
        Assert.Equal(4, JsonNode.Parse(output)!.AsArray().Count);
    }

    [Fact]
    public void An_unknown_label_is_a_one_line_error()
    {
        var (code, _, errors) = Runs("show", "nope");
        Assert.Equal(2, code);
        Assert.Equal($"error: run nope is not in {RunStore.PathIn(dir.Path)}", Assert.Single(errors));
    }

    [Fact]
    public void An_unknown_status_is_a_one_line_error()
    {
        var (code, _, errors) = Runs("--status", "done");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --status: unknown run status 'done'", Assert.Single(errors));
    }

    [Fact]
    public void A_main_dir_without_runs_db_is_an_error_and_stays_empty()
    {
        var empty = Directory.CreateDirectory(dir.File("empty")).FullName;
        var (code, _, errors) = CliRunner.RunCapturingOutput("runs", "--main_dir", empty);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {RunStore.PathIn(empty)}: no such file", Assert.Single(errors));
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
    }

    [Fact]
    public void A_corrupt_runs_db_is_a_one_line_error_naming_it()
    {
        var corrupt = Directory.CreateDirectory(dir.File("corrupt")).FullName;
        File.WriteAllText(RunStore.PathIn(corrupt), string.Concat(Enumerable.Repeat("not a database\n", 500)));
        var (code, _, errors) = CliRunner.RunCapturingOutput("runs", "--main_dir", corrupt);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {RunStore.PathIn(corrupt)}: ", Assert.Single(errors));
    }
}
