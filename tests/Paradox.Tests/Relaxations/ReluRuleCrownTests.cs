using Paradox.Relaxations;
using Xunit;
using static Paradox.Tests.Relaxations.ReluRuleChecks;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// The back-substitution rules (CROWN and the `--crown_variant` table, CROWN-Soft) by hand at and around the
/// case boundaries; `K = u/(u-l)` is the triangle slope, the triangle upper line is `K x - K l`. Pairs just inside
/// the crossing case (l = -1/1024 or u = 1/1024) show continuity at l = 0 and u = 0; test names say where a rule jumps.
/// </summary>
public sealed class ReluRuleCrownTests
{
    const float Tiny = 1 / 1024f;
    static readonly L TriangleAtLTiny = new(1024.0 / 1025, 1.0 / 1025); // (-1/1024, 1)
    static readonly L TriangleAtUTiny = new(1.0 / 1025, 1.0 / 1025);    // (-1, 1/1024)

    static Expected E(float l, float u, L lower, L upper) => new(l, u, lower, upper);
    static ReluRule Variant(string name) => ReluRules.CrownVariants[name];

    [Fact]
    public void Crown_rules_are_not_parallelograms()
    {
        Assert.False(ReluRules.CrownStandard.IsParallelogram);
        Assert.False(ReluRules.CrownSoft(1).IsParallelogram);
        Assert.All(ReluRules.CrownVariants.Values, rule => Assert.False(rule.IsParallelogram));
    }

    [Fact]
    public void Crown_lower_slope_jumps_at_abs_l_equals_abs_u_continuous_at_l_zero_and_u_zero()
    {
        AssertLines(ReluRules.CrownStandard,
            E(-2, -1, L.Zero, L.Zero),
            E(-1, 0, L.Zero, L.Zero),
            E(-1, 3, L.X, new(0.75, 0.75)),
            E(-3, 1, L.Zero, new(0.25, 0.75)),
            E(-2, 1.984375f, L.Zero, new(1.984375 / 3.984375, 2 * 1.984375 / 3.984375)),
            E(-2, 2, L.X, new(0.5, 1)),
            E(-2, 2.015625f, L.X, new(2.015625 / 4.015625, 2 * 2.015625 / 4.015625)),
            E(-Tiny, 1, L.X, TriangleAtLTiny),
            E(0, 1, L.X, L.X),
            E(-1, Tiny, L.Zero, TriangleAtUTiny),
            E(0, 0, L.X, L.X));
    }

    [Fact]
    public void CrownSoft_lower_slope_is_sigmoid_continuous_across_abs_l_equals_abs_u()
    {
        // gamma = 1: lam_lo = sigmoid(l/u - u/l), 8/3 at (-1, 3), 0 at |l| = |u|.
        AssertLines(ReluRules.CrownSoft(1),
            E(-1, 0, L.Zero, L.Zero),
            E(-1, 3, new(Sigmoid(8.0 / 3), 0), new(0.75, 0.75)),
            E(-3, 1, new(Sigmoid(-8.0 / 3), 0), new(0.25, 0.75)),
            E(-2, 2, new(0.5, 0), new(0.5, 1)),
            E(-Tiny, 1, L.X, TriangleAtLTiny),
            E(-1, Tiny, L.Zero, TriangleAtUTiny),
            E(0, 1, L.X, L.X));
    }

    [Fact]
    public void Crown0_lower_jumps_at_l_zero_continuous_at_u_zero()
    {
        AssertLines(Variant("0"),
            E(-1, 0, L.Zero, L.Zero),
            E(-1, 3, L.Zero, new(0.75, 0.75)),
            E(-Tiny, 1, L.Zero, TriangleAtLTiny),
            E(0, 1, L.X, L.X),
            E(-1, Tiny, L.Zero, TriangleAtUTiny));
    }

    [Fact]
    public void Crown0C_active_lower_is_constant_l_continuous_at_l_zero()
    {
        AssertLines(Variant("0-c"),
            E(-1, 0, L.Zero, L.Zero),
            E(-1, 3, L.Zero, new(0.75, 0.75)),
            E(-Tiny, 1, L.Zero, TriangleAtLTiny),
            E(0, 1, L.Zero, L.X),
            E(1, 2, L.Const(1), L.X),
            E(-1, Tiny, L.Zero, TriangleAtUTiny));
    }

    [Fact]
    public void Crown1_lower_jumps_at_u_zero_continuous_at_l_zero()
    {
        AssertLines(Variant("1"),
            E(-1, 0, L.Zero, L.Zero),
            E(-1, Tiny, L.X, TriangleAtUTiny),
            E(-3, 1, L.X, new(0.25, 0.75)),
            E(-Tiny, 1, L.X, TriangleAtLTiny),
            E(0, 1, L.X, L.X));
    }

    [Fact]
    public void Crown1C_inactive_lower_is_x_continuous_at_u_zero()
    {
        AssertLines(Variant("1-c"),
            E(-2, -1, L.X, L.Zero),
            E(-1, 0, L.X, L.Zero),
            E(-1, Tiny, L.X, TriangleAtUTiny),
            E(-3, 1, L.X, new(0.25, 0.75)),
            E(0, 1, L.X, L.X));
    }

    [Fact]
    public void LowerTria_lower_jumps_at_l_zero_upper_jumps_at_u_zero()
    {
        AssertLines(Variant("lower-tria"),
            E(-1, 0, L.Zero, L.Zero),
            E(-1, Tiny, L.Zero, new(1, 1)),
            E(-1, 3, L.Zero, new(1, 1)),
            E(-Tiny, 1, L.Zero, new(1, Tiny)),
            E(0, 1, L.X, L.X));
    }

    [Fact]
    public void UpperTria_upper_jumps_at_l_zero_lower_jumps_at_u_zero()
    {
        AssertLines(Variant("upper-tria"),
            E(-1, 0, L.Zero, L.Zero),
            E(-1, Tiny, L.X, L.Const(Tiny)),
            E(-1, 3, L.X, L.Const(3)),
            E(-Tiny, 1, L.X, L.Const(1)),
            E(0, 1, L.X, L.X));
    }

    [Fact]
    public void LowerTriaC_continuous_at_l_zero_and_u_zero()
    {
        AssertLines(Variant("lower-tria-c"),
            E(-2, -1, L.Zero, new(1, 2)),
            E(-1, 0, L.Zero, new(1, 1)),
            E(-1, Tiny, L.Zero, new(1, 1)),
            E(-1, 3, L.Zero, new(1, 1)),
            E(-Tiny, 1, L.Zero, new(1, Tiny)),
            E(0, 1, L.Zero, L.X),
            E(1, 2, L.Const(1), L.X));
    }

    [Fact]
    public void UpperTriaC_continuous_at_l_zero_and_u_zero()
    {
        AssertLines(Variant("upper-tria-c"),
            E(-2, -1, L.X, L.Zero),
            E(-1, 0, L.X, L.Zero),
            E(-1, Tiny, L.X, L.Const(Tiny)),
            E(-1, 3, L.X, L.Const(3)),
            E(-Tiny, 1, L.X, L.Const(1)),
            E(0, 1, L.X, L.Const(1)),
            E(1, 2, L.X, L.Const(2)));
    }
}
