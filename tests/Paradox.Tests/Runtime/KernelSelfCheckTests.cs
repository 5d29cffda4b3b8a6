using Paradox.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Runtime;

/// <summary>
/// The kernel self-check and the policy built on it. A wrong kernel is injected through <see cref="IKernelProbe"/>,
/// so the refusal path is exercised on every CPU, also where libtorch happens to be right.
/// </summary>
public sealed class KernelSelfCheckTests
{
    static readonly string[] Kernels = ["conv2d", "conv_transpose2d", "conv adjoint (bmm, fold)", "conv2d input gradient",
        "conv2d weight gradient", "matmul", "sum", "elementwise"];

    [Fact]
    public void The_kernels_in_force_hold_and_the_test_process_runs_under_them()
    {
        var verdict = TorchRuntime.Kernels;
        Assert.True(verdict.Sound, verdict.Refusal);
        Assert.Equal(Kernels, verdict.Report.Checks.Select(c => c.Kernel).Distinct());
        Assert.Equal(TorchRuntime.OneDnnModeFromEnvironment() != OneDnnMode.Off && verdict.OneDnnEnabled, TorchRuntime.OneDnnEnabled);
        Assert.True(KernelSelfCheck.Run(new LibTorchKernels()).Passed);
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void A_wrong_kernel_is_caught_and_only_that_one(string kernel)
    {
        var report = KernelSelfCheck.Run(new FaultyKernels(new LibTorchKernels(), kernel));
        Assert.False(report.Passed);
        Assert.Equal([kernel], report.Checks.Where(c => !c.Passed).Select(c => c.Kernel).Distinct());
        Assert.Equal(kernel, report.FirstFailure!.Kernel);
        Assert.InRange(report.FirstFailure.MaxError, 0.5, 1.5); // the injected error is 1 (one element)
    }

    public static TheoryData<string> KernelNames() => [.. Kernels];

    /// <summary>The bound is tight enough to matter: a relative error of 1e-4 in every value is caught, float32 rounding is not.</summary>
    [Fact]
    public void The_tolerance_catches_small_relative_errors_but_not_rounding()
    {
        Assert.False(KernelSelfCheck.Run(new ScaledConvolution(1 + 1e-4)).Checks.Where(c => c.Kernel == "conv2d").All(c => c.Passed));
        Assert.True(KernelSelfCheck.Run(new ScaledConvolution(1 + 1e-8)).Passed);
    }

    /// <summary>conv2d results scaled by a factor (rounded to float32 again): a systematic error of a given size.</summary>
    sealed class ScaledConvolution(double factor) : IKernelProbe
    {
        readonly LibTorchKernels inner = new();
        public Tensor Conv2d(Tensor x, Tensor w, long stride, long padding) =>
            (inner.Conv2d(x, w, stride, padding).to(ScalarType.Float64) * factor).to(ScalarType.Float32);
        public Tensor ConvTranspose2d(Tensor g, Tensor w, long stride, long padding, long outputPadding) =>
            inner.ConvTranspose2d(g, w, stride, padding, outputPadding);
        public (Tensor Input, Tensor Weight) Conv2dGradients(Tensor x, Tensor w, Tensor g, long stride, long padding) =>
            inner.Conv2dGradients(x, w, g, stride, padding);
        public Tensor EngineAdjoint(Tensor g, Tensor w, long stride, long padding, long[] inputShape) =>
            inner.EngineAdjoint(g, w, stride, padding, inputShape);
        public Tensor MatMul(Tensor a, Tensor b) => inner.MatMul(a, b);
        public Tensor Sum(Tensor x, long[] dims) => inner.Sum(x, dims);
        public Tensor Elementwise(Tensor a, Tensor b, Tensor c) => inner.Elementwise(a, b, c);
    }

    static KernelCheckReport Report(bool passed) =>
        new([new KernelCheck("conv_transpose2d", "1->3 k3 s1 p0 8x8", passed ? 1e-7 : 12.5, 6e-6, passed ? 0.02 : 2e6)], 1);

    [Fact]
    public void Off_checks_without_oneDNN_and_refuses_wrong_kernels()
    {
        var calls = new List<bool>();
        var sound = TorchRuntime.Decide(OneDnnMode.Off, oneDnn => { calls.Add(oneDnn); return Report(true); });
        Assert.True(sound.Sound);
        Assert.False(sound.OneDnnEnabled);
        Assert.Equal([false], calls);

        var wrong = TorchRuntime.Decide(OneDnnMode.Off, _ => Report(false));
        Assert.False(wrong.Sound);
        Assert.Equal("this machine's libtorch computes conv_transpose2d wrongly (max error 12.5 on 1->3 k3 s1 p0 8x8, allowed 6E-06); " +
            "bounds would be unsound", wrong.Refusal);
    }

    [Fact]
    public void Auto_keeps_oneDNN_only_after_every_round_and_falls_back_otherwise()
    {
        var calls = new List<bool>();
        var kept = TorchRuntime.Decide(OneDnnMode.Auto, oneDnn => { calls.Add(oneDnn); return Report(true); });
        Assert.True(kept.Sound && kept.OneDnnEnabled);
        Assert.Equal(Enumerable.Repeat(true, TorchRuntime.OneDnnRounds), calls);

        // Intermittent: right twice, then wrong (as oneDNN is on AMD Zen 5).
        int round = 0;
        calls.Clear();
        var fellBack = TorchRuntime.Decide(OneDnnMode.Auto, oneDnn => { calls.Add(oneDnn); return Report(!oneDnn || ++round < 3); });
        Assert.True(fellBack.Sound);
        Assert.False(fellBack.OneDnnEnabled);
        Assert.False(fellBack.OneDnnReport!.Passed);
        Assert.Equal([true, true, true, false], calls);

        var stillWrong = TorchRuntime.Decide(OneDnnMode.Auto, _ => Report(false));
        Assert.False(stillWrong.Sound || stillWrong.OneDnnEnabled);
    }

    [Fact]
    public void Forced_on_refuses_when_oneDNN_is_wrong()
    {
        var verdict = TorchRuntime.Decide(OneDnnMode.On, oneDnn => Report(!oneDnn));
        Assert.True(verdict.OneDnnEnabled);
        Assert.False(verdict.Sound);

        int round = 0;
        var intermittent = TorchRuntime.Decide(OneDnnMode.On, _ => Report(++round < 4));
        Assert.False(intermittent.Sound);
        Assert.Equal(4, round);
        Assert.Contains("with oneDNN on (PARADOX_ONEDNN=on); bounds would be unsound", verdict.Refusal);
    }
}

/// <summary>The refusal end to end: a CLI process whose self-check sees a wrong kernel certifies nothing and says why.</summary>
public sealed class KernelRefusalCliTests
{
    static readonly Dictionary<string, string> WrongTransposedConvolution = new() { [FaultyKernels.Variable] = "conv_transpose2d" };

    [Fact]
    public void Certify_and_train_stop_with_one_line_and_write_nothing()
    {
        using var dir = new ScratchDir();
        var model = TinyModelFile.Create(dir);
        var json = dir.File("out.json");
        var (code, output, errors) = CliProcess.Run(["certify", "--model", model, "--eps", "0.01", "--domains", "box", "--n", "5",
            "--json", json], WrongTransposedConvolution);
        Assert.Equal(2, code);
        var line = Assert.Single(errors);
        Assert.StartsWith("error: this machine's libtorch computes conv_transpose2d wrongly (max error 1 on", line);
        Assert.EndsWith("bounds would be unsound", line);
        Assert.False(File.Exists(json));
        Assert.DoesNotContain("certified", output);

        var train = CliProcess.Run(["train", "--dataset", "mnist", "--net", "fc1", "--train_domain", "box", "--eps_train", "0.01",
            "--n_epochs", "1", "--n_train", "100", "--main_dir", dir.Path, "--label", "refused"], WrongTransposedConvolution);
        Assert.Equal(2, train.ExitCode);
        Assert.Contains(train.ErrorLines,
            l => l.StartsWith("error: this machine's libtorch computes conv_transpose2d wrongly", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(dir.Path, "refused", "final.ckpt")));
    }

    [Fact]
    public void Doctor_exits_one_on_a_wrong_kernel_and_zero_otherwise()
    {
        using var dir = new ScratchDir();
        var wrong = CliProcess.Run(["doctor"], WrongTransposedConvolution);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("verdict:    this machine's libtorch computes conv_transpose2d wrongly", wrong.Output);

        var json = dir.File("doctor.json");
        var right = CliProcess.Run(["doctor", "--json", json]);
        Assert.True(right.ExitCode == 0, right.Output + string.Join("\n", right.ErrorLines));
        foreach (var text in new[] { "cpu:", "libtorch:", "threads:", "NNPACK off", "oneDNN off (PARADOX_ONEDNN=off)",
            ProcessSettingsTests.ExpectedMalloc, "OMP_WAIT_POLICY=PASSIVE", "every kernel holds" })
            Assert.Contains(text, right.Output);
        var report = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(json))!;
        Assert.True((bool)report["sound"]!);
        Assert.Equal(KernelSelfCheck.Run(new LibTorchKernels()).Checks.Count, report["checks"]!.AsArray().Count);
    }

    [Fact]
    public void An_unknown_oneDNN_mode_is_an_error()
    {
        var (code, _, errors) = CliProcess.Run(["doctor"], new Dictionary<string, string> { [TorchRuntime.OneDnnVariable] = "sometimes" });
        Assert.Equal(2, code);
        Assert.Equal("error: PARADOX_ONEDNN: expected off, auto or on (got 'sometimes')", Assert.Single(errors));
    }
}
