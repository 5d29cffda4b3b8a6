using Paradox.Analysis;
using Xunit;

namespace Paradox.Tests.Analysis;

/// <summary>The jump search finds planted steps, however they hide, and never reports continuous functions.</summary>
public class ContinuityJumpDetectorTests
{
    static readonly double[] Grid = new ContinuitySettings(Points: 51, Span: 1).Grid();

    static LineSearch Search(Func<double, double> f, JumpSearchSettings? settings = null) =>
        JumpDetector.Search(f, Grid, settings ?? new JumpSearchSettings(), new Random(0));

    [Fact]
    public void Finds_a_step_smaller_than_the_smooth_change_over_a_grid_interval()
    {
        // The smooth part changes by about 0.12 per grid interval; the step is 0.05.
        const double at = 0.3137;
        var line = Search(t => Math.Sin(3 * t) + 0.5 * t * t + (t > at ? 0.05 : 0));
        var jump = Assert.Single(line.Jumps);
        Assert.InRange(jump.T, at - 1e-5, at + 1e-5);
        Assert.Equal(0.05, jump.Size, 3);
        Assert.Equal(1, line.OutlierJumps);
    }

    [Fact]
    public void Finds_a_downward_step_on_a_rising_line()
    {
        var line = Search(t => 10 * t - (t > -0.1234 ? 0.01 : 0));
        var jump = Assert.Single(line.Jumps);
        Assert.InRange(jump.T, -0.1234 - 1e-5, -0.1234 + 1e-5);
        Assert.Equal(0.01, jump.Size, 4);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.0123)]
    public void Ignores_a_steep_smooth_ramp(double centre)
    {
        var line = Search(t => Math.Tanh(1000 * (t - centre)), new JumpSearchSettings(Probes: 10));
        Assert.Empty(line.Jumps);
        Assert.True(line.Outliers > 0, "the ramp should stand out on the grid and be bisected");
    }

    [Fact]
    public void Ignores_smooth_and_kinked_functions()
    {
        var settings = new JumpSearchSettings(Probes: 10);
        Assert.Empty(Search(t => Math.Exp(3 * t) + Math.Abs(t - 0.21) + Math.Abs(t + 0.61), settings).Jumps);
        Assert.Empty(Search(t => 400 * t * t * t - 50 * t, settings).Jumps);
    }

    [Fact]
    public void Float32_rounding_steps_are_noise_not_jumps()
    {
        // A loss of about 100 computed in float32 moves in steps of 7.6e-6: far below 32 epsilons of the loss.
        Assert.Empty(Search(t => (float)(100 + 3 * t * t + t), new JumpSearchSettings(Probes: 10)).Jumps);
    }

    [Fact]
    public void Random_probes_find_dense_tiny_jumps_that_never_stand_out_on_the_grid()
    {
        // Like neurons crossing a case boundary along a loss line: 1000 steps per unit at random places, of size 1e-3 and
        // random sign, on a slope that dominates them (as on real losses). Every grid interval holds about 40 steps,
        // which add up to a change like its neighbours'; only the random probes (no outliers here) find them.
        var random = new Random(1);
        var steps = Enumerable.Range(0, 2100)
            .Select(_ => (At: -1.05 + 2.1 * random.NextDouble(), Size: random.Next(2) == 0 ? -1e-3 : 1e-3)).ToArray();
        var line = Search(t => 5 * t + steps.Where(s => t >= s.At).Sum(s => s.Size), new JumpSearchSettings(Probes: 4, MaxOutliers: 0));
        // A probe can lose the steps where they are a few per interval and it halves towards an empty half.
        Assert.InRange(line.ProbeJumps, 3, 4);
        Assert.All(line.Jumps, j => Assert.Equal(1e-3, j.Size, 4));
        // The hit rate times the 50 intervals, each counted once: a lower bound (really 40 per interval).
        Assert.Equal(50.0 * line.ProbeJumps / 4, line.EstimatedJumps, 6);
    }

    [Fact]
    public void Bisection_keeps_a_jump_and_drops_a_smooth_interval()
    {
        var settings = new JumpSearchSettings();
        Func<double, double> step = t => t * t + (t >= 0.5 ? 1 : 0);
        var jump = JumpDetector.Bisect(step, 0, step(0), 1, step(1), slope: 1, settings);
        Assert.NotNull(jump);
        Assert.InRange(jump.T, 0.5 - jump.Width, 0.5 + jump.Width);
        Assert.Equal(1, jump.Size, 3);
        Func<double, double> smooth = t => t * t;
        Assert.Null(JumpDetector.Bisect(smooth, 0, 0, 1, 1, slope: 1, settings));
    }

    [Fact]
    public void Counts_every_evaluation()
    {
        int calls = 0;
        var line = Search(t => { calls++; return t > 0.3137 ? 1 : 0; });
        Assert.Equal(calls, line.Evaluations);
        Assert.Equal(Grid.Length, line.Values.Length);
    }
}
