using Paradox.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Analysis;

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
