using Paradox.Attacks;
using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>
/// The largest L-infinity radius a relaxation certifies, per image, by bisection on [0, eps_max] using the
/// monotonicity of certification in eps. All images of a batch are bisected together (one eps per image).
/// Misclassified images get radius 0.
/// </summary>
public static class CertifiedRadius
{
    /// <summary>Bisection steps for a tolerance: `ceil(log2(eps_max / tol))` (eps_max 0.5, tol 0.001 -> 9 halvings).</summary>
    public static int Steps(double epsMax, double tolerance)
    {
        if (!(epsMax > 0)) throw new ParadoxException($"--eps_max: must be > 0 (got {epsMax})");
        if (!(tolerance > 0) || tolerance >= epsMax) throw new ParadoxException($"--tol: must be in (0, eps_max) (got {tolerance})");
        return (int)Math.Ceiling(Math.Log2(epsMax / tolerance));
    }

    /// <summary>Radii [B]: the largest eps found certified (a lower bound on the true certified radius, within
    /// eps_max / 2^steps).</summary>
    public static Tensor Bisect(Network network, Relaxation relaxation, Tensor x, Tensor y, double epsMax, int steps)
    {
        using var _ = no_grad();
        var correct = network.Forward(x).argmax(1).eq(y);
        return Search(x, epsMax, steps, correct, eps =>
        {
            using var region = InputRegion.Ball(x, eps);
            return relaxation.Certify(network, region, y);
        });
    }

    /// <summary>
    /// The smallest eps at which PGD finds an adversarial example (an upper bound on the true radius), by the
    /// same bisection; eps_max when none is found. Misclassified images get 0.
    /// </summary>
    public static Tensor PgdRadius(Network network, Tensor x, Tensor y, double epsMax, int steps, PgdOptions pgd,
        TorchSharp.torch.Generator generator)
    {
        Tensor correct;
        using (no_grad()) correct = network.Forward(x).argmax(1).eq(y);
        // "Robust at eps" plays the role of "certified": the search returns the largest eps where PGD failed,
        // and the smallest where it succeeded is that plus the final interval width.
        var robustUpTo = Search(x, epsMax, steps, correct, eps =>
        {
            using var attack = Pgd.Attack(network, x, y, eps, pgd, generator);
            return attack.Broken.logical_not();
        }, out var brokenAt);
        return where(correct, brokenAt, zeros_like(robustUpTo));
    }

    static Tensor Search(Tensor x, double epsMax, int steps, Tensor correct, Func<Tensor, Tensor> holds) =>
        Search(x, epsMax, steps, correct, holds, out _);

    static Tensor Search(Tensor x, double epsMax, int steps, Tensor correct, Func<Tensor, Tensor> holds, out Tensor upper)
    {
        var lo = zeros(x.shape[0], dtype: x.dtype, device: x.device);
        var hi = full(x.shape[0], epsMax, dtype: x.dtype, device: x.device);
        // Images that hold at eps_max itself keep eps_max as their radius.
        var atMax = holds(hi).logical_and(correct);
        lo = where(atMax, hi, lo);
        for (int i = 0; i < steps; i++)
        {
            var mid = (lo + hi) / 2;
            var ok = holds(mid);
            lo = where(ok.logical_and(atMax.logical_not()), mid, lo);
            hi = where(ok.logical_or(atMax), hi, mid);
        }
        upper = hi;
        return where(correct, lo, zeros_like(lo));
    }
}
