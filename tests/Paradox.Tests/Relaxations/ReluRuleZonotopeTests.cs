using Paradox.Relaxations;
using Xunit;
using static Paradox.Tests.Relaxations.ReluRuleChecks;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// The zonotope-family rules (parallelograms `y in lam x + mu +/- mu`: lower line `lam x`, upper `lam x + 2 mu`)
/// by hand at and around the case boundaries. Pairs just inside the crossing case (l = -1/1024 or u = 1/1024)
/// show whether a rule is continuous at l = 0 and u = 0; the test names say where a rule jumps.
/// </summary>
public sealed class ReluRuleZonotopeTests
{
    const float Tiny = 1 / 1024f;

    static Expected E(float l, float u, L lower, L upper) => new(l, u, lower, upper);

    [Fact]
    public void Cases_crossing_is_strict_l_zero_is_active_u_zero_is_inactive()
    {
        var (inactive, crossing, active) = ReluRule.Cases(TorchSharp.torch.tensor(new[] { 0f, -1f, 0f, -1f }),
            TorchSharp.torch.tensor(new[] { 1f, 0f, 0f, 1f }));
        Assert.Equal(new[] { false, true, false, false }, inactive.data<bool>().ToArray());
        Assert.Equal(new[] { false, false, false, true }, crossing.data<bool>().ToArray());
        Assert.Equal(new[] { true, false, true, false }, active.data<bool>().ToArray());
    }

    [Fact]
    public void Zono_triangle_slope_continuous_at_l_zero_and_u_zero()
    {
        Assert.True(ReluRules.Zono.IsParallelogram);
        AssertLines(ReluRules.Zono,
            E(-2, -1, L.Zero, L.Zero),
            E(-1, 0, L.Zero, L.Zero),
            E(-1, 3, new(0.75, 0), new(0.75, 0.75)),
            E(-3, 1, new(0.25, 0), new(0.25, 0.75)),
            E(-2, 2, new(0.5, 0), new(0.5, 1)),
            E(-Tiny, 1, new(1024.0 / 1025, 0), new(1024.0 / 1025, 1.0 / 1025)),
            E(0, 1, L.X, L.X),
            E(-1, Tiny, new(1.0 / 1025, 0), new(1.0 / 1025, 1.0 / 1025)),
            E(0, 0, L.X, L.X),
            E(1, 2, L.X, L.X));
    }

    [Fact]
    public void Interval_jumps_at_l_zero_continuous_at_u_zero()
    {
        Assert.True(ReluRules.Interval.IsParallelogram);
        AssertLines(ReluRules.Interval,
            E(-1, 0, L.Zero, L.Zero),
            E(-1, 3, L.Zero, L.Const(3)),
            E(-3, 1, L.Zero, L.Const(1)),
            E(-Tiny, 1, L.Zero, L.Const(1)),
            E(0, 1, L.X, L.X),
            E(-1, Tiny, L.Zero, L.Const(Tiny)));
    }

    [Fact]
    public void Diag_jumps_at_u_zero_continuous_at_l_zero()
    {
        Assert.True(ReluRules.Diag.IsParallelogram);
        AssertLines(ReluRules.Diag,
            E(-2, -1, L.Zero, L.Zero),
            E(-1, 0, L.Zero, L.Zero),
            E(-1, Tiny, L.X, new(1, 1)),
            E(-1, 3, L.X, new(1, 1)),
            E(-3, 1, L.X, new(1, 3)),
            E(-Tiny, 1, L.X, new(1, Tiny)),
            E(0, 1, L.X, L.X));
    }

    [Fact]
    public void DiagC_shifts_inactive_neurons_continuous_at_u_zero_and_l_zero()
    {
        Assert.True(ReluRules.DiagC.IsParallelogram);
        AssertLines(ReluRules.DiagC,
            E(-2, -1, L.X, new(1, 2)),
            E(-1, -1, L.X, new(1, 1)),
            E(-1, 0, L.X, new(1, 1)),
            E(-1, Tiny, L.X, new(1, 1)),
            E(-1, 3, L.X, new(1, 1)),
            E(-Tiny, 1, L.X, new(1, Tiny)),
            E(0, 1, L.X, L.X),
            E(0, 0, L.X, L.X));
    }

    [Fact]
    public void Switch_jumps_at_abs_l_equals_abs_u_continuous_at_l_zero_and_u_zero()
    {
        Assert.True(ReluRules.Switch.IsParallelogram);
        AssertLines(ReluRules.Switch,
            E(-2, 1.984375f, L.Zero, L.Const(1.984375)),
            E(-2, 2, L.X, new(1, 2)),
            E(-2, 2.015625f, L.X, new(1, 2)),
            E(-1, 3, L.X, new(1, 1)),
            E(-3, 1, L.Zero, L.Const(1)),
            E(-Tiny, 1, L.X, new(1, Tiny)),
            E(-1, Tiny, L.Zero, L.Const(Tiny)),
            E(-1, 0, L.Zero, L.Zero),
            E(0, 1, L.X, L.X));
    }

    [Fact]
    public void ZonoSoft_sigmoid_slope_continuous_at_l_zero_and_u_zero()
    {
        // gamma = 1: lam = sigmoid(l/u - u/l); at (-1, 3) l/u - u/l = -1/3 + 3 = 8/3; the offset 2 mu is the
        // larger of -l lam (attained at x = l) and u - u lam (at x = u).
        var rule = ReluRules.ZonoSoft(1);
        double s = Sigmoid(8.0 / 3), t = Sigmoid(-8.0 / 3);
        Assert.True(rule.IsParallelogram);
        AssertLines(rule,
            E(-1, 0, L.Zero, L.Zero),
            E(-1, 3, new(s, 0), new(s, s)),
            E(-3, 1, new(t, 0), new(t, 1 - t)),
            E(-2, 2, new(0.5, 0), new(0.5, 1)),
            E(-Tiny, 1, L.X, new(1, Tiny)),
            E(-1, Tiny, L.Zero, L.Const(Tiny)),
            E(0, 1, L.X, L.X));
    }

    [Fact]
    public void ZonoKappa_half_triangle_slope_jumps_at_l_zero_continuous_at_u_zero()
    {
        // kappa = 0.5: lam = u/(2(u-l)) is below the triangle slope, so 2 mu = u - u lam (attained at x = u).
        var rule = ReluRules.ZonoKappa(0.5);
        Assert.True(rule.IsParallelogram);
        AssertLines(rule,
            E(-1, 0, L.Zero, L.Zero),
            E(-1, 3, new(0.375, 0), new(0.375, 1.875)),
            E(-3, 1, new(0.125, 0), new(0.125, 0.875)),
            E(-2, 2, new(0.25, 0), new(0.25, 1.5)),
            E(-Tiny, 1, new(512.0 / 1025, 0), new(512.0 / 1025, 513.0 / 1025)),
            E(0, 1, L.X, L.X),
            E(-1, Tiny, new(0.5 / 1025, 0), new(0.5 / 1025, Tiny * (1 - 0.5 / 1025))));
    }

    /// <summary>
    /// kappa = 2 gives slopes above 1 when u > -l (`zono:kappa=2` is accepted): relu(x) - lam x then ranges over
    /// [u - lam u, -l lam], so the lower line must drop below `lam x`: at (-1, 3), lam = 1.5, lines 1.5 x - 1.5, 1.5 x + 1.5.
    /// </summary>
    [Fact]
    public void ZonoKappa_slope_above_one_lower_line_drops_below_lam_x()
    {
        var rule = ReluRules.ZonoKappa(2);
        AssertLines(rule,
            E(-1, 3, new(1.5, -1.5), new(1.5, 1.5)),
            E(-3, 1, new(0.5, 0), new(0.5, 1.5)),
            E(-2, 2, L.X, new(1, 2)));
    }
}
