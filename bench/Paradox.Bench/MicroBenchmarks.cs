using BenchmarkDotNet.Attributes;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>One batch of 100 FashionMNIST images at eps 0.1 through each main relaxation (FC network).</summary>
[ShortRunJob]
[MemoryDiagnoser(displayGenColumns: false)]
public class MicroBenchmarks
{
    Network network = null!;
    Tensor x = null!, y = null!;
    InputRegion region = null!;
    readonly Dictionary<string, Relaxation> relaxations = new();

    [Params("box", "crown-ibp", "hbox", "zono", "deeppoly")]
    public string Domain { get; set; } = "box";

    [GlobalSetup]
    public void Setup()
    {
        BenchSupport.Configure();
        network = BenchSupport.LoadPaperModel("FC", DatasetInfo.FashionMnist);
        using var data = DatasetCatalog.Load(DatasetInfo.FashionMnist, train: false);
        x = data.Images.narrow(0, 0, 100).clone();
        y = data.Labels.narrow(0, 0, 100).clone();
        region = InputRegion.Ball(x, 0.1);
        relaxations[Domain] = RelaxationCatalog.Create(Domain);
    }

    [Benchmark]
    public long CertifyBatch()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return relaxations[Domain].Certify(network, region, y).sum().item<long>();
    }
}
