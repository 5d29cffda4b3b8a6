using System.Text.Json.Nodes;
using Paradox.Data;
using Paradox.Tests.Cli;
using Paradox.Training;
using Paradox.Training.Methods;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Training.Methods;

/// <summary>Every `--method` through the trainer: a resume from a mid-epoch checkpoint is bit-identical, and so on.</summary>
[Collection(CliRunner.Collection)]
public class MethodTrainingTests
{
    static readonly LabeledImages FashionTrain = SharedFixture.Create(() => DatasetCatalog.Load(DatasetInfo.FashionMnist, train: true));

    static TrainConfig Tiny(string method, string domain = "box") => new()
    {
        Label = "tiny-" + method, Dataset = "fashion-mnist", Net = "fc2", TrainDomain = domain, EpsTrain = 0.05, NEpochs = 2,
        WarmupEpochs = 0, MixEpochs = 1, NTrain = 240, Seed = 3, BatchSize = 40, Reg = "L1", RegLambda = 1e-4,
        Method = method == "standard" ? null : method,
        GlsSamples = method == "rgs" ? 2 : null, PgpePopulation = method == "pgpe" ? 2 : null,
        MethodPgdSteps = method is "sabr" or "mtl-ibp" or "cc-ibp" or "exp-ibp" ? 3 : null,
        IbpReg = method == "standard" ? 0.5 : null, InitMethod = method == "standard" ? "ibp" : "default",
    };

    public static TheoryData<string, string> Methods => new()
    {
        { "sabr", "box" }, { "mtl-ibp", "crown-ibp" }, { "cc-ibp", "box" }, { "exp-ibp", "box" }, { "rgs", "crown-ibp" },
        { "pgpe", "box" }, { "standard", "box" }, // standard with --ibp_reg and --init_method ibp
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Resuming_from_a_mid_epoch_checkpoint_is_bit_identical(string method, string domain)
    {
        var config = Tiny(method, domain);
        config.Validate();
        string uninterrupted;
        using (var trainer = new Trainer(config, FashionTrain, CPU))
        {
            while (trainer.Position.Epoch <= config.NEpochs) trainer.RunEpoch();
            uninterrupted = trainer.Network.ParameterHash();
        }
        var path = Path.Combine(Path.GetTempPath(), $"paradox-method-resume-{Guid.NewGuid():N}.ckpt");
        try
        {
            using (var first = new Trainer(config, FashionTrain, CPU))
            {
                first.RunEpoch();
                Assert.Null(first.RunEpoch(stop: () => first.Position.Batch == 3));
                first.SaveCheckpoint(path);
            }
            using var resumed = new Trainer(config, FashionTrain, CPU);
            resumed.LoadCheckpoint(path);
            Assert.Equal((2, 3), (resumed.Position.Epoch, resumed.Position.Batch));
            while (resumed.Position.Epoch <= config.NEpochs) resumed.RunEpoch();
            Assert.Equal(uninterrupted, resumed.Network.ParameterHash());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Methods_build_the_expected_objective_and_standard_keeps_the_study_loss()
    {
        using var generator = new Generator(1);
        Assert.IsType<ProvableTraining>(TrainingMethodCatalog.Create(Tiny("standard") with { IbpReg = null }, generator));
        Assert.IsType<IbpRegularizedTraining>(TrainingMethodCatalog.Create(Tiny("standard"), generator));
        Assert.IsType<SabrTraining>(TrainingMethodCatalog.Create(Tiny("sabr"), generator));
        Assert.IsType<PgpeTraining>(TrainingMethodCatalog.Create(Tiny("pgpe", "triangle"), generator));
        // Unset method settings are omitted from config.json, so the hash of a standard run is the one it had before.
        Assert.DoesNotContain("\"method\"", (Tiny("standard") with { IbpReg = null, InitMethod = "default" }).ToJson());
    }

    [Theory]
    [InlineData("--sabr_lambda 0.5", "--method mtl-ibp", "does not apply to --method mtl-ibp")]
    [InlineData("--sabr_lambda 0", "--method sabr", "--sabr_lambda: must be in (0, 1]")]
    [InlineData("--mtl_alpha 1.5", "--method cc-ibp", "--mtl_alpha: must be in [0, 1]")]
    [InlineData("--gls_samples 0", "--method rgs", "--gls_samples: must be >= 1")]
    [InlineData("--pgpe_population 3", "--method rgs", "--pgpe_population does not apply")]
    [InlineData("--ibp_reg 0.5", "--method pgpe", "--ibp_reg does not apply to --method pgpe")]
    [InlineData("--train_domain triangle", "--method sabr", "certification only")]
    [InlineData("--mode train-natural", "--method sabr", "needs --mode train-provable")]
    [InlineData("", "--method nope", "--method: unknown method 'nope'")]
    public void Bad_method_settings_are_one_line_errors_before_any_work(string flags, string method, string message)
    {
        using var runs = new ScratchDir();
        var args = new List<string> { "train", "--net", "fc2", "--dataset", "fashion-mnist", "--eps_train", "0.05",
            "--main_dir", runs.Path };
        if (!flags.Contains("--train_domain")) args.AddRange(["--train_domain", "box"]);
        args.AddRange(flags.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        args.AddRange(method.Split(' '));
        var (code, errors) = CliRunner.Run([.. args]);
        Assert.Equal(2, code);
        Assert.Single(errors);
        Assert.StartsWith("error: ", errors[0]);
        Assert.Contains(message, errors[0]);
        Assert.Empty(Directory.GetFileSystemEntries(runs.Path));
    }

    [Theory]
    [InlineData("sabr", "box")]
    [InlineData("pgpe", "crown-ibp")]
    public void Certification_never_uses_the_method(string method, string domain)
    {
        // The final evaluation certifies the trained weights with --verify_domains alone: certify on final.ckpt agrees.
        using var runs = new ScratchDir();
        string[] train = ["train", "--dataset", "fashion-mnist", "--net", "fc2", "--train_domain", domain, "--method", method,
            "--eps_train", "0.02", "--n_epochs", "1", "--mix_epochs", "0", "--n_train", "100", "--batch_size", "50",
            "--verify_domains", "box,crown-ibp", "--verify_max_tests", "100", "--eps_test", "0.02", "--pgd_steps", "2",
            "--seed", "4", "--main_dir", runs.Path, "--label", "run", .. method == "pgpe" ? new[] { "--pgpe_population", "1" } : []];
        var (code, _, errors) = CliRunner.RunCapturingOutput(train);
        Assert.True(code == 0, string.Join("\n", errors));
        var trained = JsonNode.Parse(File.ReadAllText(Path.Combine(runs.File("run"), "results.json")))!;
        var json = Path.Combine(runs.Path, "certify.json");
        (code, _, errors) = CliRunner.RunCapturingOutput("certify", "--net", "fc2", "--dataset", "fashion-mnist", "--model",
            Path.Combine(runs.File("run"), "final.ckpt"), "--eps", "0.02", "--domains", "box,crown-ibp", "--n", "100", "--pgd_steps", "2",
            "--json", json);
        Assert.True(code == 0, string.Join("\n", errors));
        var certified = JsonNode.Parse(File.ReadAllText(json))!;
        foreach (var d in new[] { "box", "crown-ibp" })
            Assert.Equal(Count(certified, d), Count(trained, d));
    }

    static int Count(JsonNode result, string domain)
    {
        var node = result is JsonArray a ? a[0]! : result;
        return (int)node["certified"]![domain]!;
    }
}
