using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// The L-infinity ball `B(x, eps)` clipped to the data range [0,1], as elementwise bounds.
/// `eps` is a scalar or one value per sample (shape [B]).
/// </summary>
public sealed class InputRegion : IDisposable
{
    public Tensor Lower { get; }
    public Tensor Upper { get; }

    public InputRegion(Tensor lower, Tensor upper)
    {
        Lower = lower;
        Upper = upper;
    }

    public static InputRegion Ball(Tensor x, Tensor eps)
    {
        using var e = Radius(eps, x);
        return new InputRegion((x - e).clamp(0, 1), (x + e).clamp(0, 1));
    }

    /// <summary>
    /// A scalar or per-sample eps checked (every value a number >= 0) and made ready to combine with
    /// <paramref name="x"/>: its dtype (so float64 radii do not promote float32 inputs) and broadcastable shape.
    /// </summary>
    public static Tensor Radius(Tensor eps, Tensor x)
    {
        if (!eps.ge(0).all().item<bool>())
            throw new ParadoxException($"--eps: every value must be a number >= 0 (got {eps.min().item<double>()})");
        return PerSample(eps.to(x.dtype), x);
    }

    public static InputRegion Ball(Tensor x, double eps)
    {
        Checks.Eps(eps);
        return new InputRegion((x - eps).clamp(0, 1), (x + eps).clamp(0, 1));
    }

    /// <summary>Reshapes a per-sample eps [B] to broadcast against a batch of inputs.</summary>
    public static Tensor PerSample(Tensor eps, Tensor x) =>
        eps.dim() == 0 ? eps : eps.reshape([eps.shape[0], .. Enumerable.Repeat(1L, (int)x.dim() - 1)]);

    public Tensor Project(Tensor x) => x.clamp(Lower, Upper);

    public void Dispose()
    {
        Lower.Dispose();
        Upper.Dispose();
    }
}
