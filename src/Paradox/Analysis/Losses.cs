using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>Losses as functions of the network, on a fixed batch.</summary>
public static class Losses
{
    /// <summary>The certified cross-entropy `L_R` of a relaxation at radius eps (diffs specification).</summary>
    public static Func<Network, double> Certified(Relaxation relaxation, Tensor x, Tensor y, double eps,
        SpecKind spec = SpecKind.Diffs) => network =>
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var region = InputRegion.Ball(x, eps);
        return relaxation.CertifiedLoss(network, region, y, spec).to(ScalarType.Float64).item<double>();
    };

    /// <summary>The natural cross-entropy.</summary>
    public static Func<Network, double> Natural(Tensor x, Tensor y) => network =>
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return nn.functional.cross_entropy(network.Forward(x), y).to(ScalarType.Float64).item<double>();
    };
}
