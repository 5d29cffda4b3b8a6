using System.Text.Json;
using Paradox.IO;
using Paradox.Reproduction;
using Paradox.Tests.Cli;
using Paradox.Training;
using Xunit;

namespace Paradox.Tests.Reproduction;

/// <summary>The repository's grid file: its tables, every run resolving under every profile, and the profiles' scaling.</summary>
[Collection(CliRunner.Collection)]
public class GridFileTests
{
    /// <summary>experiments/paper-grid.json of the repository the tests were built from.</summary>
    public static string GridPath { get; } = RepoFile("experiments", "paper-grid.json");

    public static string RepoFile(params string[] parts)
    {
        return Path.Combine([RepositoryRoot.Find() ?? throw new DirectoryNotFoundException("no Paradox.sln above the tests"), .. parts]);
    }

    static readonly GridDefinition Grid = GridDefinition.Load(GridPath);

    [Fact]
    public void Grid_holds_tables_2_3_and_4_with_the_paper_lines()
    {
        Assert.Equal(["table2", "table3", "table4", "beyond"], Grid.Tables.Select(t => t.Name));
        Assert.Equal(35, Grid.Runs(["table2"]).Count());   // 4 x 6 MNIST/FashionMNIST, 6 SVHN, 5 CIFAR-10
        Assert.Equal(38, Grid.Runs(["table3"]).Count());   // 19 modified relaxations x FC, CONV
        Assert.Equal(7 * 6 * 4, Grid.Runs(["table4"]).Count());
        // the flags file is the spec's copy of the published scripts, verbatim
        Assert.Equal(File.ReadAllText(RepoFile("tests", "Paradox.Tests", "TestData", "paper-experiment-flags.txt")),
            File.ReadAllText(Grid.FlagsFile));
        Assert.Equal(74, Grid.PaperLines.Count);
        // every Table 2 and 3 line of the scripts fills exactly one cell
        var used = Grid.Runs(["table2", "table3"]).Select(r => r.PaperLabel).ToList();
        Assert.Equal(used.Count, used.Distinct().Count());
        Assert.Equal(Grid.PaperLines.Keys.Where(l => !l.StartsWith("pretrained-")).Order(), used.Order());
        // Table 4: the mnist-CONV-box line with the loose Box flags and the seed
        var run = Grid.Runs(["table4"]).Single(r => r.Label == "parametrized-DC-1.5-300-s103");
        Assert.Equal(("omega = 1.5", "rounded F=300", "mnist-CONV-box"), (run.Row, run.Column, run.PaperLabel));
        var tokens = string.Join(" ", run.Tokens);
        Assert.Contains("--seed 103 ", tokens);
        Assert.Contains("--loosebox_round 1.5 --dcs_per_one 300", tokens);
        Assert.Contains("--label parametrized-DC-1.5-300-s103", tokens);
        Assert.DoesNotContain("--seed 10 ", tokens);
    }

    [Fact]
    public void Beyond_table_is_table_2_lines_of_mnist_conv_with_a_method()
    {
        var runs = Grid.Runs(["beyond"]).ToList();
        Assert.Equal(["SABR", "MTL-IBP", "RGS + Box", "RGS + CROWN-IBP (R)", "RGS + CROWN", "PGPE + CROWN"], runs.Select(r => r.Row));
        Assert.All(runs, r => Assert.Equal("MNIST CONV", r.Column));
        Assert.Equal(["mnist-CONV-box", "mnist-CONV-box", "mnist-CONV-box", "mnist-CONV-crownibp1to1", "mnist-CONV-deeppoly",
            "mnist-CONV-deeppoly"], runs.Select(r => r.PaperLabel));
        Assert.Equal(["sabr", "mtl-ibp", "rgs", "rgs", "rgs", "pgpe"],
            runs.Select(r => r.Tokens[Array.IndexOf(r.Tokens, "--method") + 1]));
        // the grid's own profiles never pick it by default
        Assert.DoesNotContain(Grid.Profiles.Values, p => p.Tables?.Contains("beyond") == true);
    }

    [Theory]
    [InlineData("full")]
    [InlineData("cpu2")]
    [InlineData("smoke")]
    public void Every_run_resolves_under_every_profile(string profile)
    {
        using var dir = new ScratchDir();
        var (code, output, errors) = CliRunner.RunCapturingOutput(
            ["reproduce", "--grid", GridPath, "--profile", profile, "--tables", "table2,table3,table4", "--datasets", "all",
                "--main_dir", dir.Path, "--dry_run"]);
        Assert.True(code == 0, string.Join(" | ", errors));
        Assert.Empty(errors);
        Assert.Contains($"241 runs of table2, table3, table4, profile {profile}", output);
        Assert.DoesNotContain("do not resolve", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));   // a dry run writes nothing
    }

    /// <summary>The configuration `paradox cert --dry_run` resolves a paper line to.</summary>
    static TrainConfig Resolve(string label)
    {
        var (code, output, errors) = CliRunner.RunCapturingOutput(["cert", .. Grid.PaperLines[label], "--device", "cpu", "--dry_run"]);
        Assert.True(code == 0, string.Join(" | ", errors));
        return TrainConfig.FromJson(output, label);
    }

    [Theory]
    [InlineData("mnist-FC-box")]            // warm-up 10, ramp 100, milestones 130,190
    [InlineData("mnist-CONV-crownibp1to1")] // warm-up 10, ramp 50
    [InlineData("mnist-FC-zono")]           // no milestones: x0.5 every 20 epochs after the ramp
    public void Cpu2_scales_every_phase_in_proportion(string label)
    {
        var paper = Resolve(label);
        var scaled = Grid.Profile("cpu2").Apply(paper);
        Assert.Equal(paper.NEpochs / 10, scaled.NEpochs);
        Assert.Equal(paper.WarmupEpochs / (double)paper.NEpochs, scaled.WarmupEpochs / (double)scaled.NEpochs);
        Assert.Equal(paper.MixEpochs / (double)paper.NEpochs, scaled.MixEpochs / (double)scaled.NEpochs);
        Assert.Equal(paper.LrMilestones?.Select(m => m / paper.NEpochs), scaled.LrMilestones?.Select(m => m / scaled.NEpochs));

        // the schedule at the same fraction of training is the same: eps, kappa, beta and the learning rate
        var full = new Schedule(paper, stepsPerEpoch: 600);
        var small = new Schedule(scaled, stepsPerEpoch: 30);
        foreach (var fraction in new[] { 0.0, 0.04, 0.05, 0.2, 0.3, 0.55, 0.6, 0.64, 0.66, 0.8, 0.9, 0.96, 0.999 })
        {
            var a = full.At((long)Math.Round(fraction * paper.NEpochs * 600));
            var b = small.At((long)Math.Round(fraction * scaled.NEpochs * 30));
            Assert.Equal(a.Eps, b.Eps, 9);
            Assert.Equal(a.Kappa, b.Kappa, 9);
            Assert.Equal(a.Beta, b.Beta, 9);
            Assert.Equal(a.Lr, b.Lr, 12);
        }
        if (paper.LrMilestones is null) Assert.Equal(2, scaled.LrStepEpochs);
    }

    [Fact]
    public void Profiles_change_only_what_they_say()
    {
        var paper = Resolve("fashion-mnist-CONV-deeppoly");
        Assert.Same(paper, Grid.Profile("full").Apply(paper));
        var smoke = Grid.Profile("smoke").Apply(paper);
        Assert.Equal(1, smoke.NEpochs);
        double[] milestones = [1, 1];
        Assert.Equal([1.0, 1.0], smoke.LrMilestones!);
        Assert.Equal(paper with { NEpochs = 1, WarmupEpochs = 0, MixEpochs = 1, LrMilestones = milestones },
            smoke with { LrMilestones = milestones });
        // cpu2: the full training set and the whole test set; only the epochs change
        Assert.Empty(Grid.Profile("cpu2").Flags);
        var cpu2 = Grid.Profile("cpu2").Apply(paper);
        Assert.Equal((100, (int?)null, (int?)null), (cpu2.Percent, cpu2.NTrain, cpu2.VerifyMaxTests));
    }

    [Fact]
    public void Estimates_follow_the_schedule()
    {
        var cost = Grid.Cost;
        var box = Grid.Profile("cpu2").Apply(Resolve("mnist-FC-box")) with { Percent = 5, VerifyMaxTests = 1000 };
        var estimate = cost.Estimate(box)!;
        Assert.Equal(3000, estimate.TrainImages);
        Assert.Equal(20 * 30, estimate.Steps);
        // 1 warm-up epoch of natural steps, 19 of box steps
        Assert.Equal(30 * cost.Step("FC", "natural")!.Value + 570 * cost.Step("FC", "box")!.Value, estimate.TrainSeconds, 6);
        // CROWN-IBP 1 -> 0 costs Box after the ramp; hdiag is priced as hbox
        Assert.Equal(cost.Step("CONV", "hbox"), cost.Step("CONV", "hdiag"));
        var crownIbp10 = cost.Estimate(Resolve("mnist-FC-crownibp1to0"))!;
        var crownIbp11 = cost.Estimate(Resolve("mnist-FC-crownibp1to1"))!;
        Assert.True(crownIbp10.TrainSeconds < crownIbp11.TrainSeconds);
    }

    [Fact]
    public void Flag_tokens_replace_the_same_flag_in_either_spelling()
    {
        var merged = FlagTokens.Merge(["--seed", "10", "--batch_size", "100", "--tenhalf", "--eps_test", "0.1", "0.3"],
            ["--batch-size", "50", "--eps_test", "0.3", "--percent", "5"], "test");
        Assert.Equal(["--seed", "10", "--batch-size", "50", "--tenhalf", "--eps_test", "0.3", "--percent", "5"], merged);
        Assert.Throws<ParadoxException>(() => FlagTokens.Groups(["5", "--x"], "test"));
    }

    [Fact]
    public void Published_numbers_come_with_their_source()
    {
        Assert.All(Grid.Published, p => Assert.Contains("shared/spec/metrics.md", p.Source));
        Assert.Equal(86.8, Grid.Published.Single(p => p.Row == "Box").Certified);
        using var json = JsonDocument.Parse(File.ReadAllText(GridPath));
        Assert.True(json.RootElement.TryGetProperty("profiles", out _));
        Assert.Equal("Box", Grid.Table("table2").Paradox!.Loose);
        Assert.Equal(["hBox", "CROWN-IBP (R)", "DeepZ", "CROWN"], Grid.Table("table2").Paradox!.Tighter);
    }

    static RunOutcome Finished(string row, string column, double? cert, string status = "finished") =>
        new(new ResolvedRun(new GridRun(row, "table2", row, column, "p", []), null, null, null), row + "-cpu2", status, 99, cert,
            false, null, null);

    [Fact]
    public void The_paradox_verdict_says_whether_box_certifies_most()
    {
        var table = Grid.Table("table2");
        string[] tighter = ["hBox", "CROWN-IBP (R)", "DeepZ", "CROWN"];
        var all = tighter.Select((r, i) => Finished(r, "MNIST CONV", 80 - i)).ToList();
        var yes = Assert.Single(ParadoxVerdicts.Judge(table, [Finished("Box", "MNIST CONV", 86.8), .. all], "cpu2"));
        Assert.True(yes.Reproduces);
        Assert.Equal("MNIST CONV (table2, profile cpu2): the paradox reproduces: Box certifies 86.8 %, more than every " +
                     "tighter relaxation (hBox 80.0, CROWN-IBP (R) 79.0, DeepZ 78.0, CROWN 77.0).", yes.Sentence);
        var no = Assert.Single(ParadoxVerdicts.Judge(table, [Finished("Box", "MNIST CONV", 79.5), .. all], "cpu2"));
        Assert.False(no.Reproduces);
        Assert.Contains("does NOT reproduce: Box certifies 79.5 %, not more than hBox 80.0", no.Sentence);
        // a tie is not "more"; Box ahead of the finished rows with others pending is open; CROWN-IBP (1 -> 0) is not in the claim
        Assert.False(ParadoxVerdicts.Judge(table, [Finished("Box", "MNIST CONV", 80), .. all], "cpu2").Single().Reproduces);
        var open = ParadoxVerdicts.Judge(table, [Finished("Box", "MNIST CONV", 90), all[0], Finished("CROWN-IBP", "MNIST CONV", 95),
            Finished("DeepZ", "MNIST CONV", null, "pending")], "cpu2").Single();
        Assert.Null(open.Reproduces);
        Assert.Contains("not finished: CROWN-IBP (R), DeepZ, CROWN", open.Sentence);
        Assert.Empty(ParadoxVerdicts.Judge(table, [Finished("CROWN-IBP", "MNIST FC", 50)], "cpu2"));
        // an estimated certified accuracy (not measured on every test image) leaves the answer open
        var estimatedBox = Finished("Box", "MNIST CONV", 86.8) with { Estimated = true };
        Assert.Null(ParadoxVerdicts.Judge(table, [estimatedBox, .. all], "cpu2").Single().Reproduces);
        Assert.Null(FinishedCell.Certified([estimatedBox], "table2", "MNIST CONV", "Box"));
        Assert.Equal(86.8, FinishedCell.Certified([Finished("Box", "MNIST CONV", 86.8)], "table2", "MNIST CONV", "Box"));
    }

    [Fact]
    public void A_cell_is_the_mean_of_its_finished_seeds()
    {
        RunOutcome Outcome(string status, double? std, double? cert, bool estimated = false) =>
            new(new ResolvedRun(new GridRun("x", "table4", "omega = 1", "widened", "mnist-CONV-box", []), null, null, null), "x-cpu2",
                status, std, cert, estimated, null, null);
        Assert.Equal("—", ReproductionReport.Cell([]));
        Assert.Equal("—", ReproductionReport.Cell([Outcome("failed", null, null)]));
        Assert.Equal("98.0 / 90.5", ReproductionReport.Cell([Outcome("finished", 98, 90.5)]));
        Assert.Equal("97.0 / 89.0 (2/4)", ReproductionReport.Cell(
            [Outcome("finished", 98, 90), Outcome("finished", 96, 88), Outcome("pending", null, null), Outcome("incomplete", null, null)]));
        Assert.Equal("40.0 / ~30.0", ReproductionReport.Cell([Outcome("finished", 40, 30, estimated: true)]));
    }

    [Fact]
    public void Lr_step_epochs_is_a_flag_of_cert_and_train()
    {
        var (code, output, errors) = CliRunner.RunCapturingOutput(
            ["cert", .. Grid.PaperLines["mnist-FC-zono"], "--device", "cpu", "--lr_step_epochs", "2", "--dry_run"]);
        Assert.True(code == 0, string.Join(" | ", errors));
        var config = TrainConfig.FromJson(output, "cert");
        Assert.Equal(2, config.LrStepEpochs);
        // x0.5 every 2 epochs after the ramp (50 epochs)
        var schedule = new Schedule(config, stepsPerEpoch: 10);
        Assert.Equal(config.Lr, schedule.LearningRate(51 * 10));
        Assert.Equal(config.Lr / 2, schedule.LearningRate(52 * 10), 12);
        Assert.Equal(config.Lr / 4, schedule.LearningRate(54 * 10), 12);
        // left out, it is not written, so older configurations keep their hash
        Assert.DoesNotContain("lr_step_epochs", (config with { LrStepEpochs = null }).ToJson());

        (code, _, errors) = CliRunner.RunCapturingOutput(
            ["train", "--train_domain", "box", "--eps_train", "0.1", "--lr_step_epochs", "0", "--dry_run"]);
        Assert.Equal(2, code);
        Assert.Equal("error: --lr_step_epochs: must be at least 1 (got 0)", Assert.Single(errors));
    }
}
