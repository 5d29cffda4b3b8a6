using System.Diagnostics;
using System.Globalization;
using Paradox.Data;
using Paradox.Relaxations;
using Spectre.Console;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>
/// Seconds per training step (batch 100, eps 0.1: certified loss forward, backward, Adam step) per network and
/// domain, median of 5 steps after one warm-up step; each configuration in its own process for its peak memory.
/// </summary>
static class TrainStepBench
{
    public static int RunAll(string[] args)
    {
        var domains = BenchArgs.String(args, "--domains", "box,crown-ibp,hbox,zono,deeppoly").Split(',');
        var nets = BenchArgs.String(args, "--nets", "FC,CONV").Split(',');
        var table = new Table().Title($"training step, batch 100, eps 0.1, {Environment.ProcessorCount} threads (median of 5)")
            .AddColumns("net", "domain", "seconds / step", "peak MiB");
        foreach (var net in nets)
            foreach (var domain in domains)
            {
                var output = BenchArgs.RunChild("train-step-one", net, domain);
                table.AddRow(net, domain, output?[0] ?? "failed", output?[1] ?? "");
            }
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>Child process: prints "seconds peakMiB".</summary>
    public static int RunOne(string[] args)
    {
        BenchSupport.Configure();
        string net = args[0], domain = args[1];
        using var network = BenchSupport.LoadPaperModel(net, DatasetInfo.FashionMnist);
        network.SetRequiresGrad(true);
        using var data = DatasetCatalog.Load(DatasetInfo.FashionMnist, train: true);
        var relaxation = RelaxationCatalog.Create(domain);
        using var optimizer = optim.Adam(network.Parameters(), 5e-4);
        var times = new List<double>();
        for (int step = 0; step < 6; step++)
        {
            using var scope = NewDisposeScope();
            var x = data.Images.narrow(0, step * 100, 100);
            var y = data.Labels.narrow(0, step * 100, 100);
            var watch = Stopwatch.StartNew();
            optimizer.zero_grad();
            using var region = InputRegion.Ball(x, 0.1);
            relaxation.CertifiedLoss(network, region, y, SpecKind.Diffs).backward();
            optimizer.step();
            if (step > 0) times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{times[times.Count / 2]:0.0000} {BenchSupport.PeakMemoryMiB():0}"));
        return 0;
    }
}

/// <summary>Argument helpers and child-process runs shared by the macro benchmarks.</summary>
static class BenchArgs
{
    public static string String(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static int Int(string[] args, string name, int fallback) => int.Parse(String(args, name, fallback.ToString()));

    /// <summary>Runs this benchmark program again with <paramref name="args"/>; its single output line split on spaces, or null on failure.</summary>
    public static string[]? RunChild(params string[] args)
    {
        var self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true };
        if (!self.EndsWith("Paradox.Bench", StringComparison.Ordinal)) psi.ArgumentList.Add(typeof(BenchArgs).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return p.ExitCode == 0 && output.Length > 0 ? output.Split(' ') : null;
    }
}
