using Paradox.Networks;
using Paradox.Relaxations;
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

/// <summary>
/// Evaluates a loss at `theta + sum_i t_i d_i` for the network's weights theta, restoring theta afterwards.
/// </summary>
public sealed class ParameterSpace : IDisposable
{
    readonly Network network;
    readonly List<Tensor> origin;

    public ParameterSpace(Network network)
    {
        this.network = network;
        using var _ = no_grad();
        origin = network.Parameters().Select(p => p.detach().clone().DetachFromDisposeScope()).ToList();
    }

    /// <summary>Loss at `theta + sum_i t_i d_i` (no gradients).</summary>
    public double At(Func<Network, double> loss, params (double T, ParameterDirection D)[] steps)
    {
        Move(steps);
        try { return loss(network); }
        finally { Move([]); }
    }

    /// <summary>Sets the weights to `theta + sum_i t_i d_i` (an empty list restores theta).</summary>
    public void Move(params (double T, ParameterDirection D)[] steps)
    {
        using var _ = no_grad();
        var parameters = network.Parameters();
        for (int i = 0; i < parameters.Count; i++)
        {
            parameters[i].copy_(origin[i]);
            foreach (var (t, d) in steps) parameters[i].add_(d.Parts[i], alpha: t);
        }
    }

    public void Dispose()
    {
        Move([]);
        foreach (var t in origin) t.Dispose();
    }
}
