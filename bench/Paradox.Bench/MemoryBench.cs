using System.Globalization;
using Paradox.Data;
using Paradox.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>
/// Resident memory, the managed heap and live tensors over many training steps (MNIST, eps 0.3 unless given, kappa 0):
/// a run whose memory grows step after step is killed by the kernel hours later. Fresh weights, or `--weights FILE` (a
/// model file or a run's checkpoint: growth may depend on how far training is).
/// `memory NET METHOD DOMAIN [steps] [batch] [eps] [trainer|collect|return|never] [--weights FILE]`.
/// </summary>
static class MemoryBench
{
    const string Usage = "memory NET METHOD DOMAIN [steps] [batch] [eps] [trainer|collect|return|never] [--weights FILE]";

    public static int Run(string[] args)
    {
        string? weights = BenchArgs.Optional(args, "--weights");
        var positional = BenchArgs.WithoutOption(args, "--weights");
        if (positional.Length is < 3 or > 7) return BenchArgs.Refuse($"memory: expected {Usage}");
        if (weights is not null && !File.Exists(weights)) return BenchArgs.Refuse($"memory: --weights: file not found: {weights}");
        if (!TryNumber(positional, 3, 30, out int steps) || !TryNumber(positional, 4, 50, out int batch) || steps < 1 || batch < 1)
            return BenchArgs.Refuse($"memory: steps and batch must be positive integers ({Usage})");
        double eps = 0.3;
        if (positional.Length > 5 && !double.TryParse(positional[5], NumberStyles.Float, CultureInfo.InvariantCulture, out eps))
            return BenchArgs.Refuse($"memory: eps '{positional[5]}' is not a number");
        // As the trainer collects (StepCollector.Default: every 5 s; freed memory back to the kernel when resident memory has
        // doubled); `collect`: after every step; `return`: collect, and return freed memory every other step (what
        // returning costs the next step); `never`: only when the GC decides (native memory that finalizers free piles up).
        string mode = positional.Length > 6 ? positional[6] : "trainer";
        if (mode is not ("trainer" or "collect" or "return" or "never"))
            return BenchArgs.Refuse($"memory: unknown collection mode '{mode}' (trainer, collect, return, never)");
        StepCollector? collector = mode switch
        {
            "collect" => new StepCollector(TimeSpan.Zero, StepCollector.DefaultReturnAbove),
            "return" => new StepCollector(TimeSpan.Zero, 0),
            "never" => null,
            _ => StepCollector.Default(),
        };
        BenchSupport.Configure();
        string net = positional[0], method = positional[1], domain = positional[2];
        using var network = weights is null
            ? Architectures.Build(net, DatasetInfo.Mnist, true, InitMethod.Default, new Generator(0))
            : ModelFile.Load(weights, new ModelFile.Hints(net, DatasetInfo.Mnist, true));
        using var data = DatasetCatalog.Load(DatasetInfo.Mnist, train: true);
        if ((long)steps * batch > data.Images.shape[0])
            return BenchArgs.Refuse($"memory: {steps} steps of {batch} exceed the training set");
        using var step = new BenchTrainingStep(network, net, "mnist", method, domain, eps);
        Console.WriteLine("step  rss MiB  managed MiB  live tensors  step s");
        for (int i = 0; i < steps; i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
                step.Step(data.Images.narrow(0, i * batch, batch), data.Labels.narrow(0, i * batch, batch));
            double seconds = watch.Elapsed.TotalSeconds;
            collector?.CollectWhenDue();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{i,4}  {BenchSupport.ResidentMemoryMiB(),7:0}  {GC.GetTotalMemory(false) / 1048576.0,11:0.0}  " +
                $"{DisposeScopeManager.Statistics.ThreadTotalLiveCount,12}  {seconds,6:0.000}"));
        }
        return 0;
    }

    static bool TryNumber(string[] args, int index, int fallback, out int value)
    {
        value = fallback;
        return args.Length <= index || int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
