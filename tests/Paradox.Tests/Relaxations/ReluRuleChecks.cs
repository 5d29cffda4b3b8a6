using Paradox.Relaxations;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>A line `Slope * x + Offset` of a ReLU relaxation, written as in the tables of relaxations.md.</summary>
readonly record struct L(double Slope, double Offset)
{
    public static readonly L Zero = new(0, 0);
    /// <summary>The identity line `x`.</summary>
    public static readonly L X = new(1, 0);
    public static L Const(double c) => new(0, c);
    public override string ToString() => $"{Slope:G9} x + {Offset:G9}";
}

/// <summary>An (l, u) pair with the lower and upper line its rule must give.</summary>
readonly record struct Expected(float Low, float Up, L Lower, L Upper);

/// <summary>Checks of <see cref="ReluRule"/> tables: exact lines per (l, u) pair and validity of every relaxation.</summary>
static class ReluRuleChecks
{
    /// <summary>
    /// Hand-computed lines agree to 2e-6 absolute (the rules' stabilisers `u - l + D`, D &lt;= 1e-6, shift them
    /// by at most that); each pair is relaxed in one call on tensors holding all pairs.
    /// </summary>
    public static void AssertLines(ReluRule rule, params Expected[] expected)
    {
        var relaxed = Relax(rule, expected.Select(e => (e.Low, e.Up)).ToArray());
        for (int i = 0; i < expected.Length; i++)
        {
            var (e, (lower, upper)) = (expected[i], relaxed[i]);
            string at = $"{rule.Name} at l = {e.Low:R}, u = {e.Up:R}";
            Close(e.Lower, lower, $"{at}: lower line");
            Close(e.Upper, upper, $"{at}: upper line");
        }
        AssertValid(rule, expected.Select(e => (e.Low, e.Up)));
    }

    static void Close(L expected, L actual, string what) =>
        Assert.True(Math.Abs(expected.Slope - actual.Slope) <= 2e-6 && Math.Abs(expected.Offset - actual.Offset) <= 2e-6,
            $"{what}: expected {expected}, got {actual}");

    /// <summary>Pairs at and around every case boundary (l = 0, u = 0, |l| = |u|), degenerate ones, at four scales.</summary>
    public static IEnumerable<(float Low, float Up)> BoundaryPairs()
    {
        (float, float)[] unit =
        [
            (-2, -1), (-1, 0), (-1, 3), (-3, 1), (-2, 2), (-2, 1.984375f), (-2, 2.015625f), (-1 / 1024f, 1), (-1, 1 / 1024f),
            (0, 1), (0, 0), (1, 2), (-1, -1), (2, 2), (-0.25f, 0.5f), (-1e-3f, 2e-3f),
        ];
        foreach (var scale in new[] { 1f, 1e-3f, 1e-6f, 1e3f })
            foreach (var (l, u) in unit)
                yield return (l * scale, u * scale);
    }

    /// <summary>
    /// `lower(x) &lt;= relu(x) &lt;= upper(x)` at 50 points of [l, u] (endpoints included), evaluated in double from the
    /// float32 lines, allowing 4 float32 epsilons of the terms' magnitude (the rounding of slope and offset);
    /// parallelogram rules must also have equal slopes.
    /// </summary>
    public static void AssertValid(ReluRule rule, IEnumerable<(float Low, float Up)>? extra = null)
    {
        var pairs = BoundaryPairs().Concat(extra ?? []).ToArray();
        var relaxed = Relax(rule, pairs);
        const double ulps = 4 * 1.1920929e-7;
        for (int i = 0; i < pairs.Length; i++)
        {
            var ((l, u), (lower, upper)) = (pairs[i], relaxed[i]);
            if (rule.IsParallelogram)
                Assert.True(lower.Slope == upper.Slope,
                    $"{rule.Name} at l = {l:R}, u = {u:R}: parallelogram slopes differ ({lower}, {upper})");
            for (int k = 0; k < 50; k++)
            {
                double x = k == 49 ? u : l + ((double)u - l) * k / 49;
                double relu = Math.Max(x, 0), lo = lower.Slope * x + lower.Offset, hi = upper.Slope * x + upper.Offset;
                double tolLo = ulps * (Math.Abs(lower.Slope * x) + Math.Abs(lower.Offset) + relu);
                double tolHi = ulps * (Math.Abs(upper.Slope * x) + Math.Abs(upper.Offset) + relu);
                Assert.True(lo <= relu + tolLo,
                    $"{rule.Name} at l = {l:R}, u = {u:R}: lower line {lower} = {lo:R} above relu({x:R}) = {relu:R}");
                Assert.True(hi >= relu - tolHi,
                    $"{rule.Name} at l = {l:R}, u = {u:R}: upper line {upper} = {hi:R} below relu({x:R}) = {relu:R}");
            }
        }
    }

    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    static (L Lower, L Upper)[] Relax(ReluRule rule, (float Low, float Up)[] pairs)
    {
        using var scope = NewDisposeScope();
        var b = rule.Relax(tensor(pairs.Select(p => p.Low).ToArray()), tensor(pairs.Select(p => p.Up).ToArray()));
        float[] lamLo = b.LamLo.data<float>().ToArray(), muLo = b.MuLo.data<float>().ToArray();
        float[] lamUp = b.LamUp.data<float>().ToArray(), muUp = b.MuUp.data<float>().ToArray();
        return pairs.Select((_, i) => (new L(lamLo[i], muLo[i]), new L(lamUp[i], muUp[i]))).ToArray();
    }
}
