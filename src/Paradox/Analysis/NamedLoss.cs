using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>
/// A loss on a fixed batch under a name: its value (no gradients, for probing along directions) and the same
/// loss as a differentiable tensor (for its gradient with respect to the weights).
/// </summary>
public sealed record NamedLoss(string Name, Func<Network, double> Value, Func<Network, Tensor> Differentiable)
{
    public const string NaturalName = "natural";

    /// <summary>The certified cross-entropy `L_R` of a relaxation at radius eps (diffs specification).</summary>
    public static NamedLoss Certified(Relaxation relaxation, Tensor x, Tensor y, double eps) =>
        new(relaxation.Name, Losses.Certified(relaxation, x, y, eps), network =>
        {
            using var region = InputRegion.Ball(x, eps);
            return relaxation.CertifiedLoss(network, region, y, SpecKind.Diffs);
        });

    /// <summary>The natural cross-entropy, named <see cref="NaturalName"/>.</summary>
    public static NamedLoss Natural(Tensor x, Tensor y) =>
        new(NaturalName, Losses.Natural(x, y), network => nn.functional.cross_entropy(network.Forward(x), y));
}
