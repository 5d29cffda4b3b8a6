using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// The last affine layer merged with the specification matrix: `W' = C W` [B, K, n], `b' = C b` [B, K].
/// Engines propagate up to the last layer's input and then bound these rows.
/// </summary>
public sealed record FinalSpec(Tensor Weight, Tensor Bias, bool NeedUpper)
{
    public static FinalSpec Merge(Network network, Tensor c, bool needUpper)
    {
        var last = network.Layers[^1] as LinearLayer
            ?? throw new ParadoxException($"--net {network.Architecture}: the last layer must be Linear to merge the specification");
        return new FinalSpec(c.matmul(last.Weight), c.matmul(last.Bias.unsqueeze(1)).squeeze(2), needUpper);
    }

    /// <summary>`W' x + b'` for a batch x [B, n].</summary>
    public Tensor Apply(Tensor x) => Weight.bmm(x.unsqueeze(2)).squeeze(2) + Bias;

    /// <summary>`|W'| r` for a batch r [B, n] (no bias).</summary>
    public Tensor ApplyAbs(Tensor r) => Weight.abs().bmm(r.unsqueeze(2)).squeeze(2);
}
