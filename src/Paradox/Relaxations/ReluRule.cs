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

    public ReluRule(string name, (Line, Line) inactive, (Line, Line) crossing, (Line, Line) active, bool parallelogram,
        string? internalSwitch = null, Func<Tensor, Tensor, (Tensor Lower, Tensor Upper)>? intervalImage = null)
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
