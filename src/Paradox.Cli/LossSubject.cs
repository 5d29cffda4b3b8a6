using Paradox.Analysis;
using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Cli;

/// <summary>The network, its batch of test images and the relaxations whose certified losses an analysis studies.</summary>
public sealed class LossSubject(Network network, Tensor x, Tensor y, double eps, IReadOnlyList<Relaxation> relaxations) : IDisposable
{
    public Network Network { get; } = network;
    public Tensor X { get; } = x;
    public Tensor Y { get; } = y;
    public double Eps { get; } = eps;
    public IReadOnlyList<Relaxation> Relaxations { get; } = relaxations;
    public int Images => (int)Y.shape[0];

    /// <summary>The certified loss of every relaxation, with the natural loss first when asked for.</summary>
    public IReadOnlyList<NamedLoss> Losses(bool includeNatural) =>
        (includeNatural ? [NamedLoss.Natural(X, Y)] : Array.Empty<NamedLoss>())
            .Concat(Relaxations.Select(r => NamedLoss.Certified(r, X, Y, Eps))).ToList();

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
        Network.Dispose();
    }
}
