using Paradox.Relaxations;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// Soundness of every relaxation: on every sampled, cornered or attacked input of each region, every concrete
/// ReLU pre-activation lies within the recorded layer bounds and every specification value (`diffs` and `eye`)
/// within the final bounds, up to 1e-5 (1 + |value|); and a certified sample is never broken by an attack.
/// </summary>
public sealed class RelaxationSoundnessTests(SampledCases sampled) : IClassFixture<SampledCases>
{
    public static TheoryData<string> Sound => SoundDomains.Data(SoundDomains.All);
    public static TheoryData<string> Estimates => SoundDomains.Data(SoundDomains.Estimates);

    [Theory]
    [MemberData(nameof(Sound))]
    public void Every_concrete_value_lies_within_the_bounds(string domain)
    {
        var failures = new List<string>();
        foreach (var (c, values, _) in sampled.Cases)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(c.Seed);
            var relaxation = RelaxationCatalog.Create(domain, generator: generator);
            using var _ = no_grad();
            foreach (var spec in new[] { SpecKind.Diffs, SpecKind.Eye })
            {
                var result = relaxation.Bound(c.Network, c.Region, c.Labels, spec, recordLayers: true);
                Assert.Equal(c.Network.ReluIndices, result.PreActivation.Select(l => l.LayerIndex).ToList());
                for (int k = 0; k < result.PreActivation.Count; k++)
                {
                    var layer = result.PreActivation[k];
                    failures.AddRange(Violations($"{c} {spec} ReLU layer {layer.LayerIndex}", values.PreActivations[k],
                        layer.Lower.flatten(1), layer.Upper.flatten(1)));
                }
                if (spec == SpecKind.Diffs)
                    failures.AddRange(Violations($"{c} diffs", values.Diffs, result.Lower, null));
                else
                    failures.AddRange(Violations($"{c} eye", values.Logits, result.Lower, result.Upper));
            }
        }
        Assert.True(failures.Count == 0, $"{domain}: {failures.Count} violations\n" + string.Join("\n", failures.Take(25)));
    }

    [Theory]
    [MemberData(nameof(Sound))]
    public void Certified_samples_are_never_attacked_successfully(string domain)
    {
        var failures = new List<string>();
        foreach (var (c, _, broken) in sampled.Cases)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(c.Seed);
            var relaxation = RelaxationCatalog.Create(domain, generator: generator);
            using var _ = no_grad();
            foreach (var spec in new[] { SpecKind.Diffs, SpecKind.Eye })
            {
                var wrong = relaxation.Certify(c.Network, c.Region, c.Labels, spec).logical_and(broken);
                foreach (var b in Indices(wrong))
                    failures.Add($"{c} {spec}: sample {b} (eps {Eps(c, b)}) is certified but an attack misclassifies it");
            }
        }
        Assert.True(failures.Count == 0, $"{domain}:\n" + string.Join("\n", failures));
    }

    /// <summary>The certification check is not vacuous: deeppoly certifies samples with eps > 0, and some samples are broken.</summary>
    [Fact]
    public void Cases_include_certified_and_broken_samples()
    {
        int certified = 0, brokenCount = 0;
        using var _ = no_grad();
        foreach (var (c, _, broken) in sampled.Cases)
        {
            var ok = RelaxationCatalog.Create("deeppoly").Certify(c.Network, c.Region, c.Labels);
            var positive = InputRegion.PerSample(c.Eps, c.X).flatten().gt(0).expand(ok.shape);
            certified += (int)ok.logical_and(positive).sum().item<long>();
            brokenCount += (int)broken.sum().item<long>();
        }
        Assert.True(certified > 0 && brokenCount > 0, $"certified with eps > 0: {certified}, broken: {brokenCount}");
    }

    /// <summary>The planted neurons of the ties case have exactly the intended bounds (see <see cref="BoundCases"/>).</summary>
    [Theory]
    [InlineData("box")]
    [InlineData("zono")]
    [InlineData("hbox")]
    [InlineData("deeppoly")]
    [InlineData("crown-ibp")]
    public void Ties_case_has_exact_zero_tied_and_boundary_neurons(string domain)
    {
        var c = sampled.Cases.Single(s => s.Case.Name == BoundCases.TiesName).Case;
        using var _ = no_grad();
        var layers = RelaxationCatalog.Create(domain).Bound(c.Network, c.Region, c.Labels, SpecKind.Diffs, recordLayers: true)
            .PreActivation;
        (long Neuron, float Lower, float Upper)[] first =
            [(0, 0, 0), (1, -1, 1), (2, 0, 0.7f), (3, -0.7f, 0), (4, 1, 3), (7, 0.5f, 0.5f), (8, -0.5f, -0.5f), (9, -1.5f, 0)];
        (long Neuron, float Lower, float Upper)[] second = [(0, 0, 0), (1, -1, 1), (2, 0, 2), (3, -2, 0), (4, 0, 0)];
        foreach (var (layer, planted) in new[] { (layers[0], first), (layers[1], second) })
            foreach (var (n, lo, hi) in planted)
            {
                Assert.Equal(new[] { lo, lo, lo }, layer.Lower[.., n].data<float>().ToArray());
                Assert.Equal(new[] { hi, hi, hi }, layer.Upper[.., n].data<float>().ToArray());
            }
        foreach (var (layer, copy, source) in new[] { (layers[0], 5L, 6L), (layers[1], 5L, 6L) })
        {
            Assert.Equal(layer.Lower[.., source].data<float>().ToArray(), layer.Lower[.., copy].data<float>().ToArray());
            Assert.Equal(layer.Upper[.., source].data<float>().ToArray(), layer.Upper[.., copy].data<float>().ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Estimates))]
    public void Cauchy_estimates_run_are_labelled_estimates_and_finite(string domain)
    {
        foreach (var (c, _, _) in sampled.Cases)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(c.Seed);
            var relaxation = RelaxationCatalog.Create(domain, generator: generator);
            Assert.True(relaxation.IsEstimate, $"{domain} is not labelled an estimate");
            using var _ = no_grad();
            foreach (var spec in new[] { SpecKind.Diffs, SpecKind.Eye })
            {
                var result = relaxation.Bound(c.Network, c.Region, c.Labels, spec, recordLayers: true);
                Assert.True(isfinite(result.Lower).all().item<bool>(), $"{domain} {c} {spec}: lower bounds not finite");
                if (spec == SpecKind.Eye)
                    Assert.True(isfinite(result.Upper!).all().item<bool>(), $"{domain} {c} {spec}: upper bounds not finite");
                foreach (var layer in result.PreActivation)
                    Assert.True(isfinite(layer.Lower).all().item<bool>() && isfinite(layer.Upper).all().item<bool>(),
                        $"{domain} {c} {spec}: ReLU layer {layer.LayerIndex} bounds not finite");
            }
        }
    }

    /// <summary>
    /// Entries of values [B, P, n] outside [lower, upper] ([B, n]; upper may be absent) beyond 1e-5 (1 + |value|),
    /// and NaN bounds (which no comparison would flag).
    /// </summary>
    static IEnumerable<string> Violations(string what, Tensor values, Tensor lower, Tensor? upper)
    {
        foreach (var (side, bound) in new[] { ("lower", lower), ("upper", upper) })
            if (bound is not null && isnan(bound).any().item<bool>())
                yield return $"{what}: NaN in the {side} bounds";
        var tolerance = 1e-5 * (1 + values.abs());
        var lo = lower.unsqueeze(1).expand_as(values);
        var below = values.lt(lo - tolerance);
        var hi = upper?.unsqueeze(1).expand_as(values);
        var above = hi is null ? zeros_like(below) : values.gt(hi + tolerance);
        var bad = below.logical_or(above).nonzero();
        for (long i = 0; i < Math.Min(bad.shape[0], 5); i++)
        {
            long b = bad[i, 0].item<long>(), p = bad[i, 1].item<long>(), n = bad[i, 2].item<long>();
            string range = $"[{lo[b, p, n].item<float>():R}, {(hi is null ? "-" : hi[b, p, n].item<float>().ToString("R"))}]";
            yield return $"{what}: sample {b} point {p} neuron/row {n}: value {values[b, p, n].item<float>():R} outside {range}";
        }
        if (bad.shape[0] > 5) yield return $"{what}: ... {bad.shape[0] - 5} more";
    }

    static IEnumerable<long> Indices(Tensor mask) => mask.nonzero().flatten().data<long>().ToArray();

    static float Eps(BoundCase c, long b) => c.Eps.dim() == 0 ? c.Eps.item<float>() : c.Eps[b].item<float>();
}
