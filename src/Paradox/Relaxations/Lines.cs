using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>The vocabulary of lines the relaxation tables are written in (`x` = identity, `0` = zero line, ...).</summary>
public static class Lines
{
    /// <summary>Stabiliser of the zonotope rules (`u / (u - l + D)`).</summary>
    public const double ZonoD = 1e-6;
    /// <summary>Stabiliser of back-substitution's triangle (`u / (u - l + 1e-9)`).</summary>
    public const double CrownD = 1e-9;

    public static readonly Line Zero = (l, u) => (zeros_like(l), zeros_like(l));
    public static readonly Line Identity = (l, u) => (ones_like(l), zeros_like(l));
    /// <summary>The constant `l` (a lower bound of `y = x` on an active neuron).</summary>
    public static readonly Line ConstL = (l, u) => (zeros_like(l), l);
    /// <summary>The constant `u`.</summary>
    public static readonly Line ConstU = (l, u) => (zeros_like(l), u);
    /// <summary>`x - l`, the identity shifted up by `-l`.</summary>
    public static readonly Line ShiftedIdentity = (l, u) => (ones_like(l), -l);
    /// <summary>
    /// CROWN's triangle upper line `K (x - l)`, `K = u / (u - l + D)`. The stabiliser makes K slightly smaller than
    /// the chord slope, so the offset is the smallest one that keeps the line above relu at both ends of [l, u],
    /// `max(-K l, u - K u)`: it equals `-K l` when D = 0 and lifts the line through (u, u) otherwise.
    /// </summary>
    public static readonly Line Triangle = (l, u) =>
    {
        var k = u / (u - l + CrownD);
        return (k, maximum(-k * l, u * (1 - k)));
    };
    /// <summary>CROWN's adaptive lower line: `x` when `u >= -l`, else `0` (jumps at `|l| = |u|`).</summary>
    public static readonly Line Adaptive = (l, u) => (u.ge(-l).to(l.dtype), zeros_like(l));

    /// <summary>A lower line of slope `sigmoid(gamma (l/(u+D) - u/(l-D)))` through the origin (CROWN-Soft).</summary>
    public static Line SoftLower(double gamma) => (l, u) => (SoftSlope(l, u, gamma), zeros_like(l));

    /// <summary>The soft slope `sigmoid(gamma (l/(u+D) - u/(l-D)))`, close to 1 when `u >> -l` and to 0 when `-l >> u`.</summary>
    public static Tensor SoftSlope(Tensor l, Tensor u, double gamma) =>
        sigmoid(gamma * (l / (u + ZonoD) - u / (l - ZonoD)));

    /// <summary>
    /// The zonotope family's rule `y in lam x + mu +/- mu` as its two lines: lower `lam x`, upper `lam x + 2 mu`.
    /// </summary>
    public static (Line Lower, Line Upper) Parallelogram(Func<Tensor, Tensor, (Tensor Lam, Tensor Mu)> rule) =>
        ((l, u) => { var (lam, _) = rule(l, u); return (lam, zeros_like(l)); },
         (l, u) => { var (lam, mu) = rule(l, u); return (lam, 2 * mu); }
    );

    /// <summary>
    /// The tightest parallelogram of slope `lam` around relu on a crossing [l, u]: the lines `lam x + min` and
    /// `lam x + max` of `relu(x) - lam x`, whose extremes lie at l, 0 and u. For `lam` in [0, 1] the lower offset is 0
    /// and the upper one `2 mu = max(-l lam, u - u lam)` (relaxations.md, section 3); a slope above 1 (`kappa` > 1)
    /// lowers the lower line to `u - u lam`.
    /// </summary>
    public static (Line Lower, Line Upper) ParallelogramOfSlope(Func<Tensor, Tensor, Tensor> slope) =>
        ((l, u) => { var lam = slope(l, u); return (lam, minimum(-lam * l, u * (1 - lam)).clamp_max(0)); },
         (l, u) => { var lam = slope(l, u); return (lam, maximum(-lam * l, u * (1 - lam)).clamp_min(0)); }
    );
}
