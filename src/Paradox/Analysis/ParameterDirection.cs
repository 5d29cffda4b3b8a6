using Paradox.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>
/// A direction in parameter space: one tensor per parameter, in <see cref="Network.NamedParameters"/> order.
/// </summary>
public sealed class ParameterDirection(IReadOnlyList<Tensor> parts) : IDisposable
{
    public IReadOnlyList<Tensor> Parts { get; } = parts;

    /// <summary>
    /// A Gaussian direction, filter-normalised as in loss-landscape studies: each filter (row of a weight,
    /// output channel of a conv) is scaled to the norm of the same filter of the weights; biases are
    /// scaled to the bias norm. A unit step then changes every filter by about its own size.
    /// </summary>
    public static ParameterDirection FilterNormalized(Network network, Generator generator)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        foreach (var (_, p) in network.NamedParameters())
        {
            var d = randn(p.shape, generator: generator, dtype: p.dtype, device: p.device);
            if (p.dim() > 1)
            {
                var dims = Enumerable.Range(1, (int)p.dim() - 1).Select(i => (long)i).ToArray();
                var scale = p.pow(2).sum(dims, keepdim: true).sqrt() / (d.pow(2).sum(dims, keepdim: true).sqrt() + 1e-10);
                parts.Add((d * scale).DetachFromDisposeScope());
            }
            else
                parts.Add((d * (p.norm() / (d.norm() + 1e-10))).DetachFromDisposeScope());
        }
        return new ParameterDirection(parts);
    }

    public void Dispose()
    {
        foreach (var t in Parts) t.Dispose();
    }
}
