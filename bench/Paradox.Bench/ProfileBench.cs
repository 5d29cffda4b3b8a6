using System.Diagnostics;
using System.Globalization;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>
/// Where a fresh-weights training step goes: per ReLU layer, the neurons crossing under Box and under the
/// domain's own bounds (per sample, and in the union over the batch), then forward and backward seconds.
/// </summary>
static class ProfileBench
{
    public static int Run(string[] args)
    {
        BenchSupport.Configure();
        string net = args[0], domain = args[1];
        double eps = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.3;
        int batch = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100;
        using var network = Architectures.Build(net, DatasetInfo.Mnist, true, InitMethod.Default, new Generator(0));
        network.SetRequiresGrad(true);
        using var data = DatasetCatalog.Load(DatasetInfo.Mnist, train: true);
        var relaxation = RelaxationCatalog.Create(domain);
        var x = data.Images.narrow(0, 0, batch);
        var y = data.Labels.narrow(0, 0, batch);
        using var region = InputRegion.Ball(x, eps);
        using (no_grad())
        {
            var box = RelaxationCatalog.Create("box").Bound(network, region, y, SpecKind.Diffs, recordLayers: true).PreActivation;
            var own = relaxation.Bound(network, region, y, SpecKind.Diffs, recordLayers: true).PreActivation;
            for (int i = 0; i < box.Count; i++)
            {
                string Count(LayerBounds b)
                {
                    var crossing = b.Lower.lt(0).logical_and(b.Upper.gt(0)).flatten(1);
                    double perSample = crossing.sum(1).to(float32).mean().item<float>();
                    long union = crossing.any(0L).sum().item<long>();
                    return $"{perSample:0.0} per sample, {union} in the batch";
                }
                long neurons = box[i].Lower[0].numel();
                Console.WriteLine($"ReLU {box[i].LayerIndex} ({neurons} neurons): box {Count(box[i])}; {domain} {Count(own[i])}");
            }
        }
        for (int rep = 0; rep < 3; rep++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            var loss = relaxation.CertifiedLoss(network, region, y, SpecKind.Diffs);
            double forward = watch.Elapsed.TotalSeconds;
            loss.backward();
            Console.WriteLine($"forward {forward:0.000} s, backward {watch.Elapsed.TotalSeconds - forward:0.000} s, " +
                $"peak {BenchSupport.PeakMemoryMiB():0} MiB");
        }
        return 0;
    }
}
