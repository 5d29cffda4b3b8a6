using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>
/// Jumps of a loose-Box change of the pre-activation bounds (<see cref="PreBoundTransform"/>), found numerically:
/// the new lower bound as a function of l and the new upper bound as a function of u are searched for jumps on
/// [-1, 1] with <see cref="JumpDetector"/> in float64 (every grid interval that stands out is bisected).
/// The jumps do not come from the ReLU rule, so they are invisible to <see cref="RuleContinuity"/>.
/// </summary>
public static class TransformContinuity
{
    const int GridPoints = 4001;
    const double Range = 1;
    static readonly JumpSearchSettings Exhaustive =
        new(Refinements: 30, Probes: 0, RelativeFloor: 1e-9, AbsoluteFloor: 1e-9, MaxOutliers: GridPoints);

    public static IReadOnlyList<TheoryJump> Analyse(PreBoundTransform transform)
    {
        var grid = Enumerable.Range(0, GridPoints).Select(i => -Range + 2 * Range * i / (GridPoints - 1)).ToArray();
        var jumps = new List<TheoryJump>();
        foreach (var (bound, at) in new (string, Func<double, (double L, double U)>)[] { ("l", t => (t, t + 1)), ("u", t => (t - 1, t)) })
        {
            double Moved(double t)
            {
                var (l, u) = at(t);
                using var scope = NewDisposeScope();
                var (lo, hi) = transform(tensor(l, dtype: ScalarType.Float64), tensor(u, dtype: ScalarType.Float64));
                return (bound == "l" ? lo : hi).item<double>();
            }
            var found = JumpDetector.Search(Moved, grid, Exhaustive, new Random(0)).Jumps;
            if (found.Count == 0) continue;
            double perUnit = found.Count / (2 * Range);
            jumps.Add(new TheoryJump($"{perUnit:G3} values of {bound} per unit", $"pre-activation {bound} (loose Box)",
                found.Max(j => j.Size)));
        }
        return jumps;
    }
}
