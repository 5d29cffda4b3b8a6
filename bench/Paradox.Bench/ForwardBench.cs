using System.Diagnostics;
using Paradox.Data;
using Spectre.Console;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>Loading the FashionMNIST test set and a model, and a natural forward pass over all 10,000 images.</summary>
static class ForwardBench
{
    public static int Run()
    {
        BenchSupport.Configure();
        var table = new Table().Title("FashionMNIST test set: load and natural forward pass (batch 1000)")
            .AddColumns("step", "FC seconds", "CONV seconds");
        var load = Stopwatch.StartNew();
        using var data = DatasetCatalog.Load(DatasetInfo.FashionMnist, train: false);
        double loadSeconds = load.Elapsed.TotalSeconds;
        var results = new List<(double Load, double Forward)>();
        foreach (var net in new[] { "FC", "CONV" })
        {
            var watch = Stopwatch.StartNew();
            using var network = BenchSupport.LoadPaperModel(net, DatasetInfo.FashionMnist);
            double modelSeconds = watch.Elapsed.TotalSeconds;
            watch.Restart();
            long correct = 0;
            using (no_grad())
                for (int start = 0; start < data.Count; start += 1000)
                {
                    using var scope = NewDisposeScope();
                    var x = data.Images.narrow(0, start, 1000);
                    correct += network.Forward(x).argmax(1).eq(data.Labels.narrow(0, start, 1000)).sum().item<long>();
                }
            results.Add((modelSeconds, watch.Elapsed.TotalSeconds));
            Console.WriteLine($"{net}: {correct} of {data.Count} correct");
        }
        table.AddRow("load dataset (10,000 images)", loadSeconds.ToString("0.000"), "");
        table.AddRow("load model", results[0].Load.ToString("0.000"), results[1].Load.ToString("0.000"));
        table.AddRow("forward 10,000 images", results[0].Forward.ToString("0.000"), results[1].Forward.ToString("0.000"));
        AnsiConsole.Write(table);
        return 0;
    }
}
