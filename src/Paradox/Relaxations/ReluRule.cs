using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// Linear bounds on `y = relu(x)` for `x` in `[l, u]`, elementwise:
/// `LamLo * x + MuLo <= y <= LamUp * x + MuUp`.
/// </summary>
public sealed record ReluBounds(Tensor LamLo, Tensor MuLo, Tensor LamUp, Tensor MuUp);

/// <summary>One linear function of the pre-activation `x`, given the neuron's bounds: `slope * x + offset`.</summary>
public delegate (Tensor Slope, Tensor Offset) Line(Tensor l, Tensor u);

/// <summary>The three cases of a ReLU neuron by its pre-activation bounds (crossing is strictly `l &lt; 0 &lt; u`).</summary>
public enum ReluCase { Inactive, Crossing, Active }

/// <summary>
/// A ReLU relaxation rule: per case, a lower and an upper line. Every engine uses these objects:
/// Box concretises the lines over [l, u], the hybrid-zonotope engine needs parallelograms (equal slopes),
/// back-substitution uses the lines directly. The continuity analysis evaluates the same lines on both
/// sides of each case boundary.
/// </summary>
public sealed class ReluRule
{
    public string Name { get; }
    public (Line Lower, Line Upper) Inactive { get; }
    public (Line Lower, Line Upper) Crossing { get; }
    public (Line Lower, Line Upper) Active { get; }
    /// <summary>Lower and upper slopes are equal in every case, so the rule is a zonotope (parallelogram) relaxation.</summary>
    public bool IsParallelogram { get; }
    /// <summary>Where, besides the case boundaries, the crossing lines change abruptly (for the continuity report).</summary>
    public string? InternalSwitch { get; }
    /// <summary>
    /// A closed form of the interval `[min lower line, max upper line]` over [l, u] when the rule has a cheap one
    /// (the interval rule: `[relu(l), relu(u)]`), equal in value and gradient to the line-based form; Box uses it
    /// because the generic form costs about twenty elementwise kernels per ReLU layer.
    /// </summary>
    public Func<Tensor, Tensor, (Tensor Lower, Tensor Upper)>? IntervalImage { get; }

    public ReluRule(string name, (Line, Line) inactive, (Line, Line) crossing, (Line, Line) active, bool parallelogram, string? internalSwitch = null,
        Func<Tensor, Tensor, (Tensor Lower, Tensor Upper)>? intervalImage = null)
    {
        IntervalImage = intervalImage;
        Name = name;
        Inactive = inactive;
        Crossing = crossing;
        Active = active;
        IsParallelogram = parallelogram;
        InternalSwitch = internalSwitch;
    }

    public (Line Lower, Line Upper) For(ReluCase c) => c switch
    {
        ReluCase.Inactive => Inactive,
        ReluCase.Crossing => Crossing,
        _ => Active,
    };

    /// <summary>Masks of the three cases: crossing `l &lt; 0 &lt; u`, active `l >= 0`, inactive otherwise (`u &lt;= 0`).</summary>
    public static (Tensor Inactive, Tensor Crossing, Tensor Active) Cases(Tensor l, Tensor u)
    {
        var active = l.ge(0);
        var crossing = l.lt(0).logical_and(u.gt(0));
        var inactive = active.logical_or(crossing).logical_not();
        return (inactive, crossing, active);
    }

    public ReluBounds Relax(Tensor l, Tensor u)
    {
        var (inactive, crossing, _) = Cases(l, u);
        (Tensor, Tensor) Pick(Func<(Line Lower, Line Upper), Line> side)
        {
            var (si, oi) = side(Inactive)(l, u);
            var (sc, oc) = side(Crossing)(l, u);
            var (sa, oa) = side(Active)(l, u);
            return (where(crossing, sc, where(inactive, si, sa)), where(crossing, oc, where(inactive, oi, oa)));
        }
        var (lamLo, muLo) = Pick(c => c.Lower);
        var (lamUp, muUp) = Pick(c => c.Upper);
        return new ReluBounds(lamLo, muLo, lamUp, muUp);
    }
}

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
