using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// Perturbing weights in place and putting them back bit for bit (the Gaussian loss smoothing methods evaluate the loss at
/// `theta + noise`; adding and subtracting the noise would not round back to theta).
/// </summary>
sealed class WeightSnapshot : IDisposable
{
    readonly IReadOnlyList<Tensor> parameters;
    readonly Tensor[] saved;

    public WeightSnapshot(IReadOnlyList<Tensor> parameters)
    {
        this.parameters = parameters;
        using var _ = no_grad();
        saved = parameters.Select(t => t.detach().clone()).ToArray();
    }

    public Tensor Saved(int i) => saved[i];

    /// <summary>Sets parameter i to `theta_i + noise_i` (noise null: theta).</summary>
    public void Set(IReadOnlyList<Tensor?> noise, double sign = 1)
    {
        using var _ = no_grad();
        for (int i = 0; i < parameters.Count; i++)
        {
            if (noise[i] is { } n) parameters[i].copy_(sign > 0 ? saved[i] + n : saved[i] - n);
            else parameters[i].copy_(saved[i]);
        }
    }

    public void Restore()
    {
        using var _ = no_grad();
        for (int i = 0; i < parameters.Count; i++) parameters[i].copy_(saved[i]);
    }

    public void Dispose()
    {
        Restore();
        foreach (var t in saved) t.Dispose();
    }
}

static class Gradients
{
    /// <summary>Adds <paramref name="g"/> to each parameter's gradient exactly: the gradient of `sum(theta * g)` is g.</summary>
    public static void Add(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> g)
    {
        using var scope = NewDisposeScope();
        using var grads = enable_grad();
        Tensor? surrogate = null;
        for (int i = 0; i < parameters.Count; i++)
        {
            var term = (parameters[i] * g[i].detach()).sum();
            surrogate = surrogate is null ? term : surrogate + term;
        }
        surrogate?.backward();
    }

    /// <summary>The current gradients (zeros where none), detached copies.</summary>
    public static Tensor[] Snapshot(IReadOnlyList<Tensor> parameters)
    {
        using var _ = no_grad();
        return parameters.Select(p => p.grad is { } g ? g.detach().clone() : zeros_like(p)).ToArray();
    }

    public static void Zero(IReadOnlyList<Tensor> parameters)
    {
        using var _ = no_grad();
        foreach (var p in parameters) p.grad?.zero_();
    }
}
