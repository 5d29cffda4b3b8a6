using System.Text.Json;
using Paradox.Cli;
using Paradox.Tests.Cli;
using Paradox.Training;
using TorchSharp;
using Xunit;

namespace Paradox.Tests.Training;

/// <summary>Spellings, multi-value flags, defaults, notices and the device of `train` and `cert` under --dry_run.</summary>
[Collection(CliRunner.Collection)]
public class TrainOptionsTests
{
    const string Required = "--label run1 --mode train-provable --dataset mnist --net FC --train_domain box --eps_train 0.3 " +
        "--verify_domains box";

    /// <summary>Runs a command with --dry_run; asserts success and returns the configuration and the stderr lines.</summary>
    static (JsonElement Config, string[] Errors) DryRun(string command, string flags)
    {
        var (code, output, errors) = CliRunner.RunCapturingOutput([command, .. FlagLine.Parse(flags).ToArgs(), "--dry_run"]);
        Assert.True(code == 0, $"exit {code}: {string.Join(" | ", errors)}");
        using var json = JsonDocument.Parse(output);
        return (json.RootElement.Clone(), errors);
    }

    static double[] Numbers(JsonElement config, string key) =>
        config.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();
    static string[] Strings(JsonElement config, string key) =>
        config.GetProperty(key).EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public void Kebab_case_spellings_resolve_like_the_underscore_ones()
    {
        const string underscore = "--label run1 --mode train-provable --dataset cifar10 --net CONV --train_domain deeppoly " +
            "--eps_train 0.3 --verify_domains deeppoly --batch_size 50 --batch_pieces 2 --reg L1 --reg_lambda 5e-6 --n_epochs 20 " +
            "--warmup_epochs 2 --mix_epochs 10 --lr_milestones 15,18 --eps_test 0.1 --init_method kaiming_normal --crown_variant 0-c " +
            "--pgd_step_size 0.02 --verify_max_tests 500 --main_dir runs --load_model m.pt --data_dir data --save_every 5 --unnormalized";
        var kebab = string.Join(' ', underscore.Split(' ').Select(t => t.StartsWith("--") ? t.Replace('_', '-') : t));
        var (expected, _) = DryRun("cert", underscore + " --device cpu");
        var (actual, _) = DryRun("cert", kebab + " --device cpu");
        Assert.Equal(expected.GetRawText(), actual.GetRawText());
        Assert.Equal(2, actual.GetProperty("batch_pieces").GetInt32());
        Assert.Equal("kaiming-normal", actual.GetProperty("init_method").GetString());
        Assert.Equal("data", actual.GetProperty("data_dir").GetString());
        Assert.Equal(5, actual.GetProperty("save_every").GetInt32());
    }

    [Theory]
    [InlineData("--eps_test 0.1 0.3")]
    [InlineData("--eps_test 0.1,0.3")]
    [InlineData("--eps-test 0.1, 0.3")]
    [InlineData("--eps_test 0.1 --eps_test 0.3")]
    public void Eps_test_takes_several_values(string flags) =>
        Assert.Equal([0.1, 0.3], Numbers(DryRun("train", $"{Required} {flags}").Config, "eps_test"));

    [Theory]
    [InlineData("--verify_domains box zono deeppoly:0-c")]
    [InlineData("--verify_domains box,zono,deeppoly:0-c")]
    [InlineData("--verify-domains box,zono deeppoly:0-c")]
    public void Verify_domains_takes_several_values(string flags) =>
        Assert.Equal(["box", "zono", "deeppoly:0-c"],
            Strings(DryRun("train", $"--train_domain box --eps_train 0.3 {flags}").Config, "verify_domains"));

    [Theory]
    [InlineData("130,190", new[] { 130.0, 190.0 })]
    [InlineData("0.6,0.9", new[] { 0.6, 0.9 })]
    [InlineData("0.6 0.9", new[] { 0.6, 0.9 })]
    public void Lr_milestones_are_numbers(string milestones, double[] expected) =>
        Assert.Equal(expected, Numbers(DryRun("train", $"{Required} --lr_milestones {milestones}").Config, "lr_milestones"));

    [Fact]
    public void Train_defaults_to_a_provable_mnist_FC_run_with_seed_100()
    {
        var (config, errors) = DryRun("train", "--train_domain box --eps_train 0.1");
        Assert.Equal("run", config.GetProperty("label").GetString());
        Assert.Equal("train-provable", config.GetProperty("mode").GetString());
        Assert.Equal("mnist", config.GetProperty("dataset").GetString());
        Assert.Equal("FC", config.GetProperty("net").GetString());
        Assert.Equal(100, config.GetProperty("seed").GetInt64());
        Assert.Empty(Strings(config, "verify_domains"));
        Assert.Empty(errors);
    }

    [Fact]
    public void The_root_seed_overrides_cert_py_default() =>
        Assert.Equal(7, DryRun("cert", $"--seed 7 {Required}").Config.GetProperty("seed").GetInt64());

    [Fact]
    public void Names_are_resolved_to_their_canonical_spelling()
    {
        var (config, _) = DryRun("train",
            "--train_domain box --eps_train 0.1 --dataset FashionMNIST --net conv0 --opt SGD --reg l2 --C EYE");
        Assert.Equal("fashion-mnist", config.GetProperty("dataset").GetString());
        Assert.Equal("CONV", config.GetProperty("net").GetString());
        Assert.Equal("sgd", config.GetProperty("opt").GetString());
        Assert.Equal("L2", config.GetProperty("reg").GetString());
        Assert.Equal("eye", config.GetProperty("c").GetString());
    }

    [Theory]
    [InlineData("cert", "--device cuda")]
    [InlineData("cert", "")]
    [InlineData("train", "--device cuda")]
    public void Cuda_requested_but_missing_falls_back_to_the_cpu_with_one_notice(string command, string device)
    {
        var (config, errors) = DryRun(command, $"{Required} {device}");
        if (torch.cuda.is_available())
        {
            Assert.Equal("cuda", config.GetProperty("device").GetString());
            Assert.Empty(errors);
            return;
        }
        Assert.Equal("cpu", config.GetProperty("device").GetString());
        Assert.Equal([TrainDevice.CudaUnavailableNotice], errors);
        Assert.Equal("notice: CUDA is not available; using the CPU", TrainDevice.CudaUnavailableNotice);
    }

    [Theory]
    [InlineData("cert", "--device cpu")]
    [InlineData("train", "")]
    [InlineData("train", "--device auto")]
    public void No_notice_when_cuda_was_not_asked_for(string command, string device)
    {
        var (config, errors) = DryRun(command, $"{Required} {device}");
        Assert.Equal(torch.cuda.is_available() && device != "--device cpu" ? "cuda" : "cpu", config.GetProperty("device").GetString());
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("--neptune me/paradox",
        "notice: --neptune is not applicable in Paradox: runs are logged to runs.db and metrics.csv; ignoring it")]
    [InlineData("--onnx_file net.onnx", "notice: --onnx_file: Paradox does not export ONNX models; ignoring it")]
    public void Logging_and_export_flags_of_cert_py_are_ignored_with_a_notice(string flag, string notice)
    {
        var (plain, _) = DryRun("cert", $"{Required} --device cpu");
        var (config, errors) = DryRun("cert", $"{Required} --device cpu {flag}");
        Assert.Equal([notice], errors);
        Assert.Equal(plain.GetRawText(), config.GetRawText());
    }

    [Fact]
    public void Dry_run_touches_no_file()
    {
        using var dir = new ScratchDir();
        var runs = dir.File("runs");
        DryRun("cert", $"{Required} --main_dir {runs} --resume {dir.File("runs/run1")}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
