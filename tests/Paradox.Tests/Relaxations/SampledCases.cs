using Paradox.Attacks;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// Every <see cref="BoundCases"/> case with its concrete points evaluated (<see cref="RegionPoints"/>) and which
/// samples are broken (misclassified by PGD or at one of the points), computed once for the test class.
/// </summary>
public sealed class SampledCases
{
    internal sealed record Sampled(BoundCase Case, ConcreteValues Values, Tensor Broken);

    internal IReadOnlyList<Sampled> Cases { get; }

    public SampledCases()
    {
        Cases = BoundCases.All.Select(Sample).ToList();
    }

    static Sampled Sample(BoundCase c)
    {
        using var generator = new Generator(c.Seed + 2000);
        var points = RegionPoints.Sample(c, uniform: 400, corners: 100, steps: 30, generator);
        using var pgd = Pgd.Attack(c.Network, c.X, c.Labels, c.Eps, new PgdOptions(Steps: 30, StepSize: 0.02, Restarts: 2), generator);
        using var _ = no_grad();
        var values = ConcreteValues.Of(c.Network, points, c.Labels);
        return new Sampled(c, values, pgd.Broken.logical_or(values.Misclassified(c.Labels)));
    }
}
