using Paradox.Analysis;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Tests.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Tests.Analysis;

/// <summary>A tiny image classifier (1x6x6 -> 10 -> 8 -> 3) with a seeded batch of 6 images and its losses.</summary>
sealed class TinyLossSetup : IDisposable
{
    public const double Eps = 0.05;
    public Network Network { get; }
    public Tensor X { get; }
    public Tensor Y { get; }

    public TinyLossSetup(ulong seed = 7)
    {
        Network = new TestNetworkBuilder([1, 6, 6]).Flatten().Linear(10).Relu().Linear(8).Relu().Linear(3).Build(seed);
        using var generator = new Generator(seed + 1);
        X = rand([6, 1, 6, 6], generator: generator);
        Y = tensor(new long[] { 0, 1, 2, 0, 1, 2 });
    }

    public NamedLoss Natural => NamedLoss.Natural(X, Y);

    public NamedLoss Certified(string relaxation) => NamedLoss.Certified(RelaxationCatalog.Create(relaxation), X, Y, Eps);

    public void Dispose()
    {
        Network.Dispose();
        X.Dispose();
        Y.Dispose();
    }
}
