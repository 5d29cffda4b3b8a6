using System.Diagnostics;
using System.Globalization;
using Paradox.Data;
using Paradox.Relaxations;
using Spectre.Console;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>
/// Seconds to certify the first N FashionMNIST test images at eps 0.1 (batch 100) per network and domain,
/// each configuration in its own process so that its peak memory is its own.
/// </summary>
static class CertifyBench
{
    public static int RunAll(string[] args)
    {
        int n = BenchArgs.Int(args, "--n", 1000);
        var domains = BenchArgs.String(args, "--domains", "box,hbox,zono,deeppoly,crown-ibp").Split(',');
        var nets = BenchArgs.String(args, "--nets", "FC,CONV").Split(',');
        var table = new Table().Title($"certify {n} FashionMNIST test images, eps 0.1, batch 100, {Environment.ProcessorCount} threads")
            .AddColumns("net", "domain", "seconds", "s / 100 images", "certified", "peak MiB");
        foreach (var net in nets)
            foreach (var domain in domains)
            {
                var output = BenchArgs.RunChild("certify-one", net, domain, n.ToString());
                if (output is not { Length: 3 }) { table.AddRow(net, domain, "failed", "", "", ""); continue; }
                double seconds = double.Parse(output[0], CultureInfo.InvariantCulture);
                table.AddRow(net, domain, seconds.ToString("0.00"), (seconds * 100 / n).ToString("0.000"), output[1], output[2]);
            }
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>Child process: prints "seconds certified peakMiB".</summary>
    public static int RunOne(string[] args)
    {
        BenchSupport.Configure();
        string net = args[0], domain = args[1];
        int n = int.Parse(args[2]);
        using var network = BenchSupport.LoadPaperModel(net, DatasetInfo.FashionMnist);
        using var data = DatasetCatalog.Load(DatasetInfo.FashionMnist, train: false).Take(n);
        var relaxation = RelaxationCatalog.Create(domain);
        int certified = 0;
        TorchRuntime.RequireSoundKernels(); // the once-per-process kernel self-check is not part of certifying
        var watch = Stopwatch.StartNew();
        for (int start = 0; start < n; start += 100)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            int count = Math.Min(100, n - start);
            var x = data.Images.narrow(0, start, count);
            var y = data.Labels.narrow(0, start, count);
            using var region = InputRegion.Ball(x, 0.1);
            certified += (int)relaxation.Certify(network, region, y).sum().item<long>();
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{watch.Elapsed.TotalSeconds:0.000} {certified} {BenchSupport.PeakMemoryMiB():0}"));
        return 0;
    }
}
