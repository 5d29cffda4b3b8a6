using Paradox.Networks;
using Paradox.Relaxations;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// Exactness facts of relaxations.md section 5: on a network without ReLU, back-substitution and zonotopes give
/// the true bounds and Box does not; with no crossing neuron, deeppoly, zono, hbox and hzono agree with each other
/// and with the true bounds. True bounds are computed in float64 (<see cref="ExactBounds"/>); tolerance 1e-5.
/// </summary>
public sealed class RelaxationExactnessTests
{
    static readonly SpecKind[] Specs = [SpecKind.Diffs, SpecKind.Eye];

    static Network LinearNetwork(ulong seed) =>
        new TestNetworkBuilder([1, 6, 6]).Normalize([0.3f], [0.4f]).Flatten().Linear(12).Linear(5).Build(seed);

    static (Tensor X, Tensor Eps, Tensor Labels) Inputs(ulong seed, long[] shape, Tensor eps, long classes)
    {
        using var generator = new Generator(seed + 1000);
        long batch = eps.dim() == 0 ? 4 : eps.shape[0];
        return (rand([batch, .. shape], generator: generator), eps, randint(classes, [batch], generator: generator));
    }

    public static TheoryData<string, ulong> ExactWithoutRelu()
    {
        var data = new TheoryData<string, ulong>();
        foreach (var domain in new[] { "deeppoly", "crown-ibp", "zono", "hzono", "hbox" })
            foreach (var seed in new ulong[] { 21, 22, 23 })
                data.Add(domain, seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(ExactWithoutRelu))]
    public void Without_relu_bounds_equal_the_true_minimum_and_maximum(string domain, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var network = LinearNetwork(seed);
        var (x, eps, labels) = Inputs(seed, [1, 6, 6], tensor(new[] { 0f, 0.05f, 0.2f, 0.5f }), 5);
        var region = InputRegion.Ball(x, eps);
        foreach (var spec in Specs)
        {
            var (lower, upper) = ExactBounds.Of(network, region, Specification.Matrix(spec, labels, 5), []);
            var result = RelaxationCatalog.Create(domain).Bound(network, region, labels, spec);
            AssertClose(lower, result.Lower, $"{domain} seed {seed} {spec} lower");
            if (spec == SpecKind.Eye) AssertClose(upper, result.Upper!, $"{domain} seed {seed} {spec} upper");
        }
    }

    [Theory]
    [InlineData(21ul)]
    [InlineData(22ul)]
    [InlineData(23ul)]
    public void Without_relu_box_is_sound_but_strictly_looser(ulong seed)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var network = LinearNetwork(seed);
        var (x, eps, labels) = Inputs(seed, [1, 6, 6], tensor(new[] { 0.05f, 0.2f, 0.5f }), 5);
        var region = InputRegion.Ball(x, eps);
        var (lower, upper) = ExactBounds.Of(network, region, Specification.Matrix(SpecKind.Eye, labels, 5), []);
        var box = RelaxationCatalog.Create("box").Bound(network, region, labels, SpecKind.Eye);
        var gapLower = lower - box.Lower.to(float64);
        var gapUpper = box.Upper!.to(float64) - upper;
        Assert.True(gapLower.min().item<double>() >= -1e-5 && gapUpper.min().item<double>() >= -1e-5,
            $"seed {seed}: box is tighter than the true bounds");
        Assert.True(gapLower.max().item<double>() > 1e-3,
            $"seed {seed}: box lower bounds are exact (largest gap {gapLower.max().item<double>():R})");
        Assert.True(gapUpper.max().item<double>() > 1e-3,
            $"seed {seed}: box upper bounds are exact (largest gap {gapUpper.max().item<double>():R})");
    }

    public static TheoryData<string> NoCrossingNetworks() => ["fc", "conv-then-linear"];

    static Network NoCrossingNetwork(string name) => name switch
    {
        "fc" => new TestNetworkBuilder([1, 6, 6]).Normalize([0.3f], [0.4f]).Flatten()
            .Linear(12).Relu().Linear(10).Relu().Linear(5).Build(31),
        // Two affine layers before the first ReLU.
        _ => new TestNetworkBuilder([1, 6, 6]).Conv(3, 3, 1, 0).Flatten()
            .Linear(10).Relu().Linear(10).Relu().Linear(5).Build(32),
    };

    /// <summary>eps = 1e-4: every ReLU is stably active or inactive (checked), so the network is affine on each box.</summary>
    [Theory]
    [MemberData(nameof(NoCrossingNetworks))]
    public void Without_crossing_neurons_deeppoly_zono_hbox_hzono_agree_and_are_exact(string name)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var network = NoCrossingNetwork(name);
        var (x, eps, labels) = Inputs(33, [1, 6, 6], tensor(1e-4f), 5);
        var region = InputRegion.Ball(x, eps);
        var reference = RelaxationCatalog.Create("zono").Bound(network, region, labels, SpecKind.Eye, recordLayers: true).PreActivation;
        var pattern = reference.Select(layer => layer.Lower.ge(0).to(float32)).ToList();
        foreach (var spec in Specs)
        {
            var (lower, upper) = ExactBounds.Of(network, region, Specification.Matrix(spec, labels, 5), pattern);
            foreach (var domain in new[] { "deeppoly", "zono", "hbox", "hzono" })
            {
                var result = RelaxationCatalog.Create(domain).Bound(network, region, labels, spec, recordLayers: true);
                for (int k = 0; k < reference.Count; k++)
                {
                    var layer = result.PreActivation[k];
                    Assert.False(layer.Lower.lt(0).logical_and(layer.Upper.gt(0)).any().item<bool>(),
                        $"{name} {domain}: ReLU layer {layer.LayerIndex} has a crossing neuron; pick another seed");
                    AssertClose(reference[k].Lower.to(float64), layer.Lower,
                        $"{name} {domain} ReLU layer {layer.LayerIndex} lower (vs zono)");
                    AssertClose(reference[k].Upper.to(float64), layer.Upper,
                        $"{name} {domain} ReLU layer {layer.LayerIndex} upper (vs zono)");
                }
                AssertClose(lower, result.Lower, $"{name} {domain} {spec} lower");
                if (spec == SpecKind.Eye) AssertClose(upper, result.Upper!, $"{name} {domain} {spec} upper");
            }
        }
    }

    static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var error = (actual.to(float64) - expected).abs();
        double worst = error.max().item<double>();
        Assert.True(worst <= 1e-5, $"{what}: off by {worst:R}\n" +
            $"expected {expected.to(float32).ToString(TorchSharp.TensorStringStyle.Numpy)}\n" +
            $"actual   {actual.ToString(TorchSharp.TensorStringStyle.Numpy)}");
    }
}
