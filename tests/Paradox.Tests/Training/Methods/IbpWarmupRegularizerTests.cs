using Paradox.Relaxations;
using Paradox.Tests.Relaxations;
using Paradox.Training.Methods;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Training.Methods;

public class IbpWarmupRegularizerTests
{
    [Fact]
    public void Hand_checked_case()
    {
        // x = (0.5, 0.5), eps 0.1: the ReLU layer's pre-activations x0 + 0.2 in [0.6, 0.8] (active, centre 0.7, radius 0.1) and
        // -2 x1 + 0.5 in [-0.7, -0.3] (inactive, centre -0.5, radius 0.2). Delta_0 = 0.1, Delta_1 = 0.15; with tau 0.9:
        // tightness ReLU(0.9 - 2/3) / 0.9; mean ratio 0.35 / 0.25 = 1.4 -> min(1.4, 1/1.4) = 5/7, ReLU(0.9 - 5/7) / 0.9;
        // the squared deviations from the mean centre 0.1 are 0.36 on both sides: ratio 1, no term.
        using var network = new TestNetworkBuilder([2]).Linear(2).Relu().Linear(2)
            .Set(0, TestNetworkBuilder.Row(0, 0.2f, (0, 1f)))
            .Set(0, TestNetworkBuilder.Row(1, 0.5f, (1, -2f)))
            .Build(1);
        using var x = tensor(new[] { 0.5f, 0.5f }).reshape(1, 2);
        using var ball = InputRegion.Ball(x, 0.1);
        var loss = IbpWarmupRegularizer.Loss(network, ball, new IbpRegularizerParameters(Lambda0: 1, Tau: 0.9))!;
        double expected = (0.9 - 2.0 / 3) / 0.9 + (0.9 - 5.0 / 7) / 0.9;
        Assert.Equal(expected, loss.item<float>(), 1e-5);
    }

    [Fact]
    public void Weight_decays_linearly_over_the_ramp()
    {
        var p = new IbpRegularizerParameters(Lambda0: 0.5);
        Assert.Equal(0, IbpWarmupRegularizer.Weight(p, 0, 0.3));
        Assert.Equal(0.25, IbpWarmupRegularizer.Weight(p, 0.15, 0.3), 12);
        Assert.Equal(0, IbpWarmupRegularizer.Weight(p, 0.3, 0.3));
    }

    [Fact]
    public void Is_differentiable_in_the_weights()
    {
        var (network, x, _) = MethodCases.Tiny();
        using var __ = network;
        using var ball = InputRegion.Ball(x, 0.05);
        var g = MethodCases.GradientOf(network,
            () => IbpWarmupRegularizer.Loss(network, ball, new IbpRegularizerParameters(Tau: 1))!.backward());
        Assert.All(g, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(g, v => v != 0);
    }
}
