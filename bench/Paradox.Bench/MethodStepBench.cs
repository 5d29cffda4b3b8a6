using System.Diagnostics;
using System.Globalization;
using Paradox.Data;
using Paradox.Training;
using Paradox.Training.Methods;
using Spectre.Console;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>
/// Seconds per training step of each `--method` (batch 100, eps 0.1, kappa 0: the method's full robust loss, its backward
/// or gradient estimate, the Adam step) on a paper model, median of 3 steps after one warm-up step, each in its own process:
/// wall seconds and process CPU seconds (the steadier figure on a shared machine; the ratio to the standard step uses it).
/// The method settings are the defaults (sabr and the MTL family: 8 PGD steps; rgs: 4 samples; pgpe: 8 antithetic pairs).
/// </summary>
static class MethodStepBench
{
    const string DefaultMethods = "standard:box,sabr:box,mtl-ibp:box,cc-ibp:box,exp-ibp:box,rgs:box,standard:crown-ibp,"
        + "sabr:crown-ibp,mtl-ibp:crown-ibp,rgs:crown-ibp,pgpe:box,pgpe:crown-ibp,standard:deeppoly,rgs:deeppoly";

    public static int RunAll(string[] args)
    {
        var methods = BenchArgs.String(args, "--methods", DefaultMethods).Split(',');
        var nets = BenchArgs.String(args, "--nets", "CONV").Split(',');
        var table = new Table().Title($"training step per method, batch 100, eps 0.1, {Environment.ProcessorCount} threads (median of 3)")
            .AddColumns("net", "method", "relaxation", "wall s / step", "CPU s / step", "x standard (CPU)", "peak MiB");
        foreach (var net in nets)
        {
            var standard = new Dictionary<string, double>();
            foreach (var spec in methods)
            {
                var (method, domain) = (spec.Split(':')[0], spec.Split(':')[1]);
                var output = BenchArgs.RunChild("method-step-one", net, method, domain);
                double? seconds = output is null ? null : double.Parse(output[2], CultureInfo.InvariantCulture);
                if (method == "standard" && seconds is { } s) standard[domain] = s;
                string ratio = seconds is { } v && standard.TryGetValue(domain, out var b)
                    ? (v / b).ToString("0.0", CultureInfo.InvariantCulture)
                    : "";
                table.AddRow(net, method, domain, output?[0] ?? "failed", output?[2] ?? "", ratio, output?[1] ?? "");
            }
        }
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>Child process: prints "wallSeconds peakMiB cpuSeconds".</summary>
    public static int RunOne(string[] args)
    {
        BenchSupport.Configure();
        string net = args[0], method = args[1], domain = args[2];
        using var network = BenchSupport.LoadPaperModel(net, DatasetInfo.FashionMnist);
        using var data = DatasetCatalog.Load(DatasetInfo.FashionMnist, train: true);
        using var step = new BenchTrainingStep(network, net, "fashion-mnist", method, domain, 0.1);
        var times = new List<double>();
        var cpuTimes = new List<double>();
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        for (int i = 0; i < 4; i++)
        {
            using var scope = NewDisposeScope();
            var x = data.Images.narrow(0, i * 100, 100);
            var y = data.Labels.narrow(0, i * 100, 100);
            self.Refresh();
            var cpuStart = self.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            step.Step(x, y);
            self.Refresh();
            if (i > 0) { times.Add(watch.Elapsed.TotalSeconds); cpuTimes.Add((self.TotalProcessorTime - cpuStart).TotalSeconds); }
        }
        times.Sort();
        cpuTimes.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{times[times.Count / 2]:0.0000} {BenchSupport.PeakMemoryMiB():0} {cpuTimes[cpuTimes.Count / 2]:0.0000}"));
        return 0;
    }
}
