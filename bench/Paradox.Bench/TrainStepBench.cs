using System.Diagnostics;
using System.Globalization;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Spectre.Console;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>
/// Seconds per training step (certified loss forward, backward, Adam step) per network and domain, median of 5
/// steps after one warm-up step (wall and process CPU time); each configuration in its own process for its peak memory. Two modes:
/// the paper's trained models on FashionMNIST at eps 0.1 (default: most neurons stable), and `--fresh`: the
/// architecture's default-initialised weights (seed 0) on MNIST at `--eps` (0.3), as certified training
/// starts, where many neurons are unstable; CONV zono and deeppoly are also measured at batch 50 there.
/// </summary>
static class TrainStepBench
{
    public static int RunAll(string[] args)
    {
        var domains = BenchArgs.String(args, "--domains", "box,crown-ibp,hbox,zono,deeppoly").Split(',');
        var nets = BenchArgs.String(args, "--nets", "FC,CONV").Split(',');
        bool fresh = args.Contains("--fresh");
        double eps = double.Parse(BenchArgs.String(args, "--eps", fresh ? "0.3" : "0.1"), CultureInfo.InvariantCulture);
        string mode = fresh ? "fresh weights, MNIST" : "paper's models, FashionMNIST";
        var table = new Table()
            .Title($"training step, eps {eps.ToString(CultureInfo.InvariantCulture)}, {mode}, " +
                $"{Environment.ProcessorCount} threads (median of 5)")
            .AddColumns("net", "domain", "batch", "seconds / step", "CPU seconds / step", "peak MiB");
        foreach (var net in nets)
            foreach (var domain in domains)
            {
                var batches = fresh && net == "CONV" && domain is "zono" or "deeppoly" ? new[] { 100, 50 } : [100];
                foreach (var batch in batches)
                {
                    var output = BenchArgs.RunChild("train-step-one", net, domain, eps.ToString(CultureInfo.InvariantCulture),
                        fresh ? "fresh" : "paper", batch.ToString(CultureInfo.InvariantCulture));
                    table.AddRow(net, domain, batch.ToString(), output?[0] ?? "failed", output?[2] ?? "", output?[1] ?? "");
                }
            }
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>
    /// Child process: `net domain [eps fresh|paper batch]`; prints "seconds peakMiB cpuSeconds" (median wall and
    /// process CPU time per step: on a shared machine the CPU time is the steadier of the two).
    /// </summary>
    public static int RunOne(string[] args)
    {
        BenchSupport.Configure();
        string net = args[0], domain = args[1];
        double eps = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.1;
        bool fresh = args.Length > 3 && args[3] == "fresh";
        int batch = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 100;
        var dataset = fresh ? DatasetInfo.Mnist : DatasetInfo.FashionMnist;
        using var network = fresh
            ? Architectures.Build(net, dataset, true, InitMethod.Default, new Generator(0))
            : BenchSupport.LoadPaperModel(net, dataset);
        network.SetRequiresGrad(true);
        using var data = DatasetCatalog.Load(dataset, train: true);
        var relaxation = RelaxationCatalog.Create(domain);
        using var optimizer = optim.Adam(network.Parameters(), 5e-4);
        var times = new List<double>();
        var cpuTimes = new List<double>();
        using var self = Process.GetCurrentProcess();
        for (int step = 0; step < 6; step++)
        {
            using var scope = NewDisposeScope();
            var x = data.Images.narrow(0, step * batch, batch);
            var y = data.Labels.narrow(0, step * batch, batch);
            self.Refresh();
            var cpuStart = self.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            optimizer.zero_grad();
            using var region = InputRegion.Ball(x, eps);
            relaxation.CertifiedLoss(network, region, y, SpecKind.Diffs).backward();
            optimizer.step();
            double wall = watch.Elapsed.TotalSeconds;
            self.Refresh();
            if (step > 0) { times.Add(wall); cpuTimes.Add((self.TotalProcessorTime - cpuStart).TotalSeconds); }
        }
        times.Sort();
        cpuTimes.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{times[times.Count / 2]:0.0000} {BenchSupport.PeakMemoryMiB():0} {cpuTimes[cpuTimes.Count / 2]:0.0000}"));
        return 0;
    }
}
