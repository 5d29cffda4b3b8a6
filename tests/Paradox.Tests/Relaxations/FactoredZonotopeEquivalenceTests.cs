using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// The zonotope engine keeps error terms factored (diagonal, then mapped by one affine layer) instead of dense
/// generator tensors. On random FC and conv nets, in float64 (so that only the math is compared, not float32 summation
/// order), its bounds and their gradients with respect to every parameter must equal those of the straightforward dense
/// computation to 1e-6 relative.
/// </summary>
public sealed class FactoredZonotopeEquivalenceTests
{
    public static TheoryData<string, ulong> Cases()
    {
        var data = new TheoryData<string, ulong>();
        foreach (var net in new[] { "fc", "conv", "conv2" })
            foreach (ulong seed in new ulong[] { 1, 2 })
                data.Add(net, seed);
        return data;
    }

    static Network Build(string net, ulong seed) => net switch
    {
        "fc" => new TestNetworkBuilder([12]).Linear(16).Relu().Linear(9).Relu().Linear(4).Build(seed),
        "conv" => new TestNetworkBuilder([1, 8, 8]).Conv(3, 4, 2, 1).Relu().Flatten().Linear(10).Relu().Linear(4).Build(seed),
        _ => new TestNetworkBuilder([2, 7, 7]).Conv(3, 3, 1, 0).Relu().Conv(2, 3, 2, 1).Relu().Flatten().Linear(6).Relu().Linear(3)
            .Build(seed),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Factored_blocks_give_the_dense_bounds_and_gradients(string net, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var network = Build(net, seed).To(CPU, ScalarType.Float64);
        network.SetRequiresGrad(true);
        var shape = network.Layers[0].InputShape;
        var gen = new Generator((ulong)(seed + 100));
        var x = rand([5, .. shape], generator: gen, dtype: ScalarType.Float64);
        var region = InputRegion.Ball(x, 0.15);
        int classes = (int)network.Layers[^1].OutputShape[0];
        var labels = randint(classes, [5], generator: gen);
        var c = Specification.Matrix(SpecKind.Diffs, labels, classes).to(ScalarType.Float64);

        foreach (var (rule, hybrid) in new[] { (ReluRules.Zono, false), (ReluRules.Interval, true), (ReluRules.Interval, false) })
            AssertSameAsDense(network, region, c, rule, hybrid, $"{net} seed {seed} {rule.Name}{(hybrid ? " hybrid" : "")}");
    }

    /// <summary>
    /// hBox on the box [-1, 1]^12: each first-layer neuron's bias is smaller than the sum of its weights' magnitudes, so every
    /// neuron crosses in every sample, every hybrid slope is 0, and the engine drops the generators instead of carrying zeros.
    /// </summary>
    [Fact]
    public void Dropping_the_terms_of_an_all_crossing_hybrid_layer_gives_the_dense_bounds_and_gradients()
    {
        using var scope = NewDisposeScope();
        using var network = Build("fc", 3).To(CPU, ScalarType.Float64);
        network.SetRequiresGrad(true);
        var first = (LinearLayer)network.Layers.First(l => l is LinearLayer);
        Assert.True(first.Bias.abs().lt(first.Weight.abs().sum(1)).all().item<bool>(), "precondition: every first-layer neuron crosses");
        var region = new InputRegion(-ones([5, 12], dtype: ScalarType.Float64), ones([5, 12], dtype: ScalarType.Float64));
        var c = Specification.Matrix(SpecKind.Diffs, tensor(new long[] { 0, 1, 2, 3, 0 }), 4).to(ScalarType.Float64);
        AssertSameAsDense(network, region, c, ReluRules.Interval, hybrid: true, "fc all crossing, interval hybrid");
    }

    /// <summary>
    /// Half of the first affine layer's neurons get bias -100, so they are inactive (slope 0) in every sample and the engine
    /// leaves them out of the next layer's product (<see cref="SelectedColumnsBlock"/>); bounds and gradients must not change.
    /// </summary>
    [Theory]
    [InlineData("fc")]
    [InlineData("conv")]
    [InlineData("conv2")]
    public void Leaving_out_neurons_dead_in_the_whole_batch_gives_the_dense_bounds_and_gradients(string net)
    {
        using var scope = NewDisposeScope();
        using var network = Build(net, 4).To(CPU, ScalarType.Float64);
        EquivalentBounds.MakeEverySecondNeuronDead(network.Layers.OfType<AffineLayer>().First(), first: 0);
        network.SetRequiresGrad(true);
        var (x, c) = EquivalentBounds.Inputs(network, seed: 7);
        foreach (var (rule, hybrid) in new[] { (ReluRules.Zono, false), (ReluRules.Interval, true) })
            AssertSameAsDense(network, InputRegion.Ball(x, 0.15), c, rule, hybrid,
                $"{net} half dead, {rule.Name}{(hybrid ? " hybrid" : "")}");
    }

    static void AssertSameAsDense(Network network, InputRegion region, Tensor c, ReluRule rule, bool hybrid, string what) =>
        EquivalentBounds.AssertSame(network, dense => new ZonotopeEngine(rule, hybrid, false, null, null, denseGenerators: dense)
            .Bound(network, region, FinalSpec.Merge(network, c, needUpper: true), false), what);
}
