using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// True bounds of a specification over an input box when the network is affine on it (no ReLU, or a fixed
/// activation pattern), computed in float64: `z = A x + c`, rows `R = C A`, minimum `sum(R+ lo + R- hi) + C c`.
/// </summary>
static class ExactBounds
{
    /// <summary>
    /// Lower and upper bounds [B, K] of `C z` for each sample, with every ReLU replaced by its sample's fixed
    /// 0/1 pattern (<paramref name="patterns"/>[r] is [B, *shape of ReLU r]; empty for a network without ReLU).
    /// </summary>
    public static (Tensor Lower, Tensor Upper) Of(Network network, InputRegion region, Tensor c, IReadOnlyList<Tensor> patterns)
    {
        long batch = region.Lower.shape[0];
        var lowers = new List<Tensor>();
        var uppers = new List<Tensor>();
        for (long b = 0; b < batch; b++)
        {
            var (a, offset) = AffineMap(network, patterns.Select(p => p[b]).ToList());
            var rows = c[b].to(float64).matmul(a);
            var constant = c[b].to(float64).matmul(offset);
            var lo = region.Lower[b].flatten().to(float64);
            var hi = region.Upper[b].flatten().to(float64);
            lowers.Add(rows.clamp_min(0).matmul(lo) + rows.clamp_max(0).matmul(hi) + constant);
            uppers.Add(rows.clamp_min(0).matmul(hi) + rows.clamp_max(0).matmul(lo) + constant);
        }
        return (stack(lowers), stack(uppers));
    }

    /// <summary>The network as `A x + c` on flattened inputs, in float64: c = f(0), column i = f(e_i) - f(0).</summary>
    static (Tensor A, Tensor Offset) AffineMap(Network network, IReadOnlyList<Tensor> pattern)
    {
        var shape = network.Layers[0].InputShape;
        long n = shape.Aggregate(1L, (x, y) => x * y);
        var inputs = cat([zeros(1, n, dtype: float64), eye(n, dtype: float64)]).reshape([n + 1, .. shape]);
        var outputs = Forward(network, inputs, pattern);
        return ((outputs[1..] - outputs[0]).t(), outputs[0]);
    }

    static Tensor Forward(Network network, Tensor x, IReadOnlyList<Tensor> pattern)
    {
        int relu = 0;
        foreach (var layer in network.Layers)
        {
            x = layer switch
            {
                NormalizeLayer norm => (x - norm.Mean.to(float64)) / norm.Sigma.to(float64),
                FlattenLayer => x.flatten(1),
                LinearLayer linear => nn.functional.linear(x, linear.Weight.detach().to(float64), linear.Bias.detach().to(float64)),
                Conv2dLayer conv => nn.functional.conv2d(x, conv.Weight.detach().to(float64), conv.Bias.detach().to(float64),
                    strides: [conv.Stride, conv.Stride], padding: [conv.Padding, conv.Padding]),
                ReluLayer => x * pattern[relu++].to(float64),
                _ => throw new NotSupportedException(layer.Kind),
            };
        }
        return x;
    }
}
