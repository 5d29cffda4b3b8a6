using Paradox.Networks;
using Paradox.Relaxations;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// Two computations of the same bounds (a restructured engine path and the straightforward one) must agree: lower and upper
/// bounds, and the gradients of every parameter of an objective of both, to 1e-6 relative (meant for float64 networks, so
/// that only the math is compared, not float32 summation order).
/// </summary>
static class EquivalentBounds
{
    /// <param name="bound">The bounds by the restructured path (false) or the reference one (true); builds its FinalSpec
    /// per call, because autograd.grad frees the graph.</param>
    public static void AssertSame(Network network, Func<bool, BoundResult> bound, string what)
    {
        var parameters = network.Parameters().Cast<Tensor>().ToList();
        (Tensor Lower, Tensor Upper, Tensor[] Grads) Run(bool reference)
        {
            var r = bound(reference);
            var objective = r.Lower.sum() - 0.5 * r.Upper!.sum();
            return (r.Lower.detach(), r.Upper!.detach(), autograd.grad([objective], parameters).Select(g => g.detach()).ToArray());
        }
        var restructured = Run(reference: false);
        var straightforward = Run(reference: true);
        AssertClose(straightforward.Lower, restructured.Lower, $"{what}: lower bounds");
        AssertClose(straightforward.Upper, restructured.Upper, $"{what}: upper bounds");
        for (int i = 0; i < parameters.Count; i++)
            AssertClose(straightforward.Grads[i], restructured.Grads[i], $"{what}: gradient of parameter {i}");
    }

    /// <summary>
    /// Every second neuron of <paramref name="layer"/> from <paramref name="first"/> on gets bias -100: inactive in every sample.
    /// </summary>
    public static void MakeEverySecondNeuronDead(AffineLayer layer, long first)
    {
        using var _ = no_grad();
        layer.Bias.index_put_(tensor(-100.0, dtype: layer.Bias.dtype), TensorIndex.Slice(first, null, 2));
    }

    /// <summary>Five float64 points in [0,1] and the difference specification of random labels.</summary>
    public static (Tensor X, Tensor C) Inputs(Network network, ulong seed)
    {
        var generator = new Generator(seed);
        var x = rand([5, .. network.Layers[0].InputShape], generator: generator, dtype: ScalarType.Float64);
        int classes = (int)network.Layers[^1].OutputShape[0];
        var c = Specification.Matrix(SpecKind.Diffs, randint(classes, [5], generator: generator), classes).to(ScalarType.Float64);
        return (x, c);
    }

    static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double scale = expected.abs().max().item<double>();
        double error = (expected - actual).abs().max().item<double>();
        Assert.True(error <= 1e-6 * Math.Max(scale, 1e-12), $"{what}: max difference {error:G3} against max magnitude {scale:G3}");
    }
}
