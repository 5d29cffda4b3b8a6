using Paradox.Analysis;
using Paradox.Networks;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Analysis;

/// <summary>Sensitivity measures: the natural reference, gradient norms, exact values on a known smooth loss, the
/// degree recursion, the grouping.</summary>
public sealed class SensitivityTests : IDisposable
{
    readonly TinyLossSetup setup = new();
    readonly List<ParameterDirection> directions = [];

    public void Dispose()
    {
        foreach (var d in directions) d.Dispose();
        setup.Dispose();
    }

    IReadOnlyList<ParameterDirection> Directions(int count, ulong seed = 11)
    {
        using var generator = new Generator(seed);
        for (int i = 0; i < count; i++) directions.Add(ParameterDirection.FilterNormalized(setup.Network, generator));
        return directions;
    }

    [Fact]
    public void Natural_loss_relative_to_itself_is_one()
    {
        var probes = LossSensitivity.Probe(setup.Network, [setup.Natural], Directions(3), [1e-2, 1e-1]);
        var row = Assert.Single(LossSensitivity.Relative(probes, probes[0]));
        Assert.Equal(1, row.Perturbation.Median, 12);
        Assert.Equal(1, row.Curvature.Median, 12);
        Assert.Equal(1, row.GradientNormRatio, 12);
        Assert.All(row.ByScale, m => Assert.Equal(1, m.Perturbation, 12));
    }

    [Fact]
    public void Gradient_norm_ratios_are_positive_and_finite_and_flags_are_restored()
    {
        var losses = new[] { setup.Natural, setup.Certified("box"), setup.Certified("deeppoly"), setup.Certified("zono") };
        var hash = setup.Network.ParameterHash();
        setup.Network.SetRequiresGrad(false);
        var probes = LossSensitivity.Probe(setup.Network, losses, Directions(2), [1e-2]);
        var rows = LossSensitivity.Relative(probes, probes[0]);

        Assert.Equal(hash, setup.Network.ParameterHash());
        Assert.All(setup.Network.Parameters(), p => Assert.False(p.requires_grad));
        Assert.All(rows, r =>
            Assert.True(r.GradientNormRatio > 0 && double.IsFinite(r.GradientNormRatio), $"{r.Name}: {r.GradientNormRatio}"));
        Assert.All(rows.Skip(1), r =>
            Assert.True(r.Loss > rows[0].Loss, $"{r.Name}: certified loss {r.Loss} below the natural {rows[0].Loss}"));
    }

    /// <summary>
    /// L = sum theta^3 / 3 over all weights: the central second difference of a cubic is exact, so the curvature
    /// along d is |sum 2 theta d^2| at every scale, the slope is |sum (theta^2 d s + theta d^2 s^2 + d^3 s^3 / 3)| / s
    /// and the gradient norm is |theta^2|.
    /// </summary>
    [Fact]
    public void Measures_match_a_known_cubic_loss()
    {
        var cubic = new NamedLoss("cubic", network =>
        {
            using var scope = NewDisposeScope();
            return Cubic(network).item<double>();
        }, Cubic);
        double[] scales = [1e-2, 1e-1];
        var ds = Directions(3);
        var probe = Assert.Single(LossSensitivity.Probe(setup.Network, [cubic], ds, scales));

        var theta = Flat(setup.Network.Parameters().Cast<Tensor>());
        Assert.Equal(theta.pow(4).sum().sqrt().item<double>(), probe.GradientNorm, 6);
        for (int k = 0; k < ds.Count; k++)
        {
            var d = Flat(ds[k].Parts);
            double curvature = Math.Abs((2 * theta * d * d).sum().item<double>());
            for (int j = 0; j < scales.Length; j++)
            {
                double s = scales[j];
                double slope =
                    Math.Abs((theta * theta * d * s + theta * d * d * s * s + d * d * d * s * s * s / 3).sum().item<double>()) / s;
                Assert.Equal(curvature, probe.Curvatures[k * scales.Length + j], curvature * 2e-3);
                Assert.Equal(slope, probe.Slopes[k * scales.Length + j], slope * 2e-3);
            }
        }
    }

    static Tensor Cubic(Network network) =>
        network.Parameters().Select(p => p.to(ScalarType.Float64).pow(3).sum() / 3).Aggregate((a, b) => a + b);

    static Tensor Flat(IEnumerable<Tensor> parts) => cat(parts.Select(p => p.detach().flatten().to(ScalarType.Float64)).ToArray());

    [Theory]
    [InlineData(BoundForm.Polynomial, 3, 0)]
    [InlineData(BoundForm.RationalBoxBounds, 11, 8)]   // q = 2 * 1 + 3 * 2
    [InlineData(BoundForm.RationalOwnBounds, 17, 14)]  // q2 = 2 * 1 = 2; q3 = 2 + 3 * (2 + 2) = 14
    public void Degree_recursion(BoundForm form, double numerator, double denominator)
    {
        var (p, q) = BoundDegrees.Degree(form, depth: 3, affineBefore: [1, 2], crossing: [2, 3]);
        Assert.Equal(numerator, p);
        Assert.Equal(denominator, q);
    }

    [Fact]
    public void Degrees_measured_on_a_network_follow_the_domain()
    {
        var box = BoundDegrees.Measure(setup.Network, Paradox.Relaxations.RelaxationCatalog.Create("box"), setup.X, setup.Y,
            TinyLossSetup.Eps)!;
        var crown = BoundDegrees.Measure(setup.Network, Paradox.Relaxations.RelaxationCatalog.Create("crown"), setup.X, setup.Y,
            TinyLossSetup.Eps)!;
        Assert.Equal((3.0, 0.0), (box.Numerator, box.Denominator));
        Assert.Equal(BoundForm.RationalOwnBounds, crown.Form);
        Assert.Equal(2, crown.Crossing.Length);
        Assert.Equal(crown.Denominator + 3, crown.Numerator);
        Assert.Null(BoundDegrees.FormOf("deeppoly:0-c"));
    }

    [Fact]
    public void Groups_separate_only_when_every_low_median_is_below_every_high_one()
    {
        static SensitivityRow Row(string name, double median)
        {
            var spread = new Spread(median, median, median, median, median);
            return new SensitivityRow(name, 1, spread, spread, median, [], new LossProbe(name, 1, [1.0], [median], [median], median));
        }
        var separated = SensitivityGroups.Compare([Row("box", 1), Row("hbox", 2), Row("deeppoly", 3), Row("crown-ibp", 4), Row("zono", 5)]);
        Assert.Equal(3, separated.Count);
        Assert.All(separated, g => Assert.True(g.Separates));
        Assert.Equal(1.5, separated[0].Margin);

        var mixed = SensitivityGroups.Compare([Row("box", 1), Row("hbox", 6), Row("deeppoly", 3), Row("zono", 5), Row("natural", 100)]);
        Assert.All(mixed, g => Assert.False(g.Separates));
        Assert.Empty(SensitivityGroups.Compare([Row("box", 1), Row("hbox", 2)]));
    }
}
