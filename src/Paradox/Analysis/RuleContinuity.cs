using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>A discontinuity found by the theory: where (a case boundary or other switch), what jumps, and by how much.</summary>
public sealed record TheoryJump(string At, string What, double Size);

/// <summary>
/// What an engine reads from a ReLU rule at bounds (l, u): named quantities, each a slope (dimensionless) or an
/// offset (scales with l and u).
/// </summary>
public sealed record RuleView(string Name, string[] Quantities, bool[] IsOffset, Func<ReluRule, Tensor, Tensor, Tensor[]> Read)
{
    /// <summary>The lines themselves: zonotope engines propagate them symbolically, back-substitution picks them by
    /// coefficient sign.</summary>
    public static readonly RuleView Lines = new("lines",
        ["lower slope", "lower offset", "upper slope", "upper offset"], [false, true, false, true],
        (rule, l, u) => { var b = rule.Relax(l, u); return [b.LamLo, b.MuLo, b.LamUp, b.MuUp]; });

    /// <summary>The interval the Box engine makes of the lines: [min lower line, max upper line] over [l, u].</summary>
    public static readonly RuleView Interval = new("interval",
        ["interval lower end", "interval upper end"], [true, true],
        (rule, l, u) => { var (lo, hi) = BoxEngine.Concretize(rule.Relax(l, u), l, u); return [lo, hi]; });
}

/// <summary>
/// Derives where a ReLU rule is discontinuous by evaluating it (in float64) on both sides of every case boundary:
/// `u = 0` (inactive | crossing), `l = 0` (crossing | active) and `|l| = |u|` (the switch of adaptive rules), at
/// several scales of (l, u) and distances delta from the boundary. A quantity jumps when its difference across the
/// boundary does not shrink as delta -> 0 and stays above <see cref="Tolerance"/> (relative to the scale) at every
/// scale: the rules are positively homogeneous, so a real jump has the same relative size at every scale, while the
/// stabilisers `u - l + D` only make steps of relative size about D / scale (reported separately).
/// </summary>
public static class RuleContinuity
{
    public static readonly double[] Scales = [1e-2, 1, 10];
    /// <summary>Distances from the boundary, relative to the scale, largest first.</summary>
    public static readonly double[] Deltas = [1e-3, 1e-5, 1e-7];
    public const double ReferenceScale = 1;
    public const double Tolerance = 1e-3;

    /// <summary>A boundary: the (l, u) just before it and the points just after it (at scale s, distance d).</summary>
    sealed record Boundary(string Name, Func<double, double, (double L, double U)> Before,
        Func<double, double, (double L, double U)>[] After);

    static readonly Boundary[] Boundaries =
    [
        new("u = 0", (s, d) => (-s, -d * s), [(s, d) => (-s, d * s)]),
        new("l = 0", (s, d) => (-d * s, s), [(s, d) => (0, s), (s, d) => (d * s, s)]),
        new("|l| = |u|", (s, d) => (-s, s - d * s), [(s, d) => (-s, s + d * s)]),
    ];

    /// <summary>The internal switches the boundary probes cover.</summary>
    public static readonly IReadOnlySet<string> ProbedSwitches = new HashSet<string> { "|l| = |u|" };

    /// <summary>The jumps of what <paramref name="view"/> reads from <paramref name="rule"/>, and the stabiliser-sized steps.</summary>
    public static (IReadOnlyList<TheoryJump> Jumps, IReadOnlyList<TheoryJump> StabiliserSteps) Analyse(ReluRule rule, RuleView view)
    {
        if (rule.InternalSwitch is { } sw && !ProbedSwitches.Contains(sw))
            throw new NotSupportedException($"rule {rule.Name}: no continuity probe for its switch at {sw}");
        var jumps = new List<TheoryJump>();
        var steps = new List<TheoryJump>();
        foreach (var boundary in Boundaries)
        {
            // gaps[quantity][scale][delta]: the largest difference across the boundary, relative to the scale for offsets.
            var gaps = Gaps(rule, view, boundary);
            for (int q = 0; q < view.Quantities.Length; q++)
            {
                // Persists: the gap does not halve while delta shrinks 100-fold (a continuous quantity's gap would).
                var atScale = gaps[q].Select(g => (Last: g[^1], Persists: g[^1] > 0 && g[^1] >= 0.5 * g[^2])).ToArray();
                if (atScale.All(g => g.Persists && g.Last > Tolerance))
                {
                    double size = gaps[q][Array.IndexOf(Scales, ReferenceScale)][^1] * (view.IsOffset[q] ? ReferenceScale : 1);
                    jumps.Add(new TheoryJump(boundary.Name, view.Quantities[q], size));
                }
                else if (atScale.Any(g => g.Persists))
                    steps.Add(new TheoryJump(boundary.Name, view.Quantities[q], atScale.Where(g => g.Persists).Max(g => g.Last)));
            }
        }
        return (jumps, steps);
    }

    static double[][][] Gaps(ReluRule rule, RuleView view, Boundary boundary)
    {
        var points = new List<(double L, double U)>();
        foreach (var s in Scales)
            foreach (var d in Deltas)
            {
                points.Add(boundary.Before(s, d));
                points.AddRange(boundary.After.Select(after => after(s, d)));
            }
        var values = Evaluate(rule, view, points);
        int perDelta = 1 + boundary.After.Length;
        return Enumerable.Range(0, view.Quantities.Length).Select(q =>
            Scales.Select((s, si) => Deltas.Select((_, di) =>
            {
                int first = (si * Deltas.Length + di) * perDelta;
                double before = values[first][q];
                double gap = Enumerable.Range(1, boundary.After.Length).Max(k => Math.Abs(values[first + k][q] - before));
                return view.IsOffset[q] ? gap / s : gap;
            }).ToArray()).ToArray()).ToArray();
    }

    /// <summary>The view's quantities at every (l, u) point, from one call of the rule on float64 tensors.</summary>
    static double[][] Evaluate(ReluRule rule, RuleView view, List<(double L, double U)> points)
    {
        using var scope = NewDisposeScope();
        var l = tensor(points.Select(p => p.L).ToArray(), dtype: ScalarType.Float64);
        var u = tensor(points.Select(p => p.U).ToArray(), dtype: ScalarType.Float64);
        var quantities = view.Read(rule, l, u).Select(t => t.to(ScalarType.Float64).data<double>().ToArray()).ToArray();
        return Enumerable.Range(0, points.Count).Select(i => quantities.Select(q => q[i]).ToArray()).ToArray();
    }
}
