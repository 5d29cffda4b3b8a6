using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// Back-substitution multiplies only the columns of a Linear layer whose neurons have a non-zero slope in some sample of
/// the batch. With half of each affine layer's neurons made dead (bias -100), in float64, bounds and the gradients of
/// every parameter must equal those of the computation over every column (`AllColumns`) to 1e-6 relative.
/// </summary>
public sealed class DeadColumnEquivalenceTests
{
    static Network Build(string net, ulong seed) => net switch
    {
        "fc" => new TestNetworkBuilder([12]).Linear(16).Relu().Linear(9).Relu().Linear(8).Relu().Linear(4).Build(seed),
        _ => new TestNetworkBuilder([1, 8, 8]).Conv(3, 4, 2, 1).Relu().Flatten().Linear(10).Relu().Linear(6).Relu().Linear(4).Build(seed),
    };

    [Theory]
    [InlineData("fc", false)]
    [InlineData("fc", true)]
    [InlineData("conv", false)]
    [InlineData("conv", true)]
    public void Skipping_dead_columns_gives_the_bounds_and_gradients_of_all_columns(string net, bool preBoundsFromBox)
    {
        using var scope = NewDisposeScope();
        using var network = Build(net, 5).To(CPU, ScalarType.Float64);
        foreach (var affine in network.Layers.OfType<AffineLayer>().SkipLast(1))
            EquivalentBounds.MakeEverySecondNeuronDead(affine, first: 1);
        network.SetRequiresGrad(true);
        var (x, c) = EquivalentBounds.Inputs(network, seed: 9);
        var region = InputRegion.Ball(x, 0.2);
        EquivalentBounds.AssertSame(network,
            all => new BackSubstitutionEngine(ReluRules.CrownStandard, preBoundsFromBox) { AllColumns = all }
                .Bound(network, region, FinalSpec.Merge(network, c, needUpper: true), false),
            $"{net}{(preBoundsFromBox ? " crown-ibp" : " deeppoly")}");
    }
}
