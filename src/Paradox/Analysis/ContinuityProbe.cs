using System.Diagnostics;
using Paradox.Networks;

namespace Paradox.Analysis;

/// <summary>Where the empirical continuity check looks: lines `theta + t d`, t in [-Span, Span], on a grid of Points.</summary>
public sealed record ContinuitySettings(int Points = 51, double Span = 1.0, JumpSearchSettings? Search = null)
{
    public JumpSearchSettings JumpSearch => Search ?? new JumpSearchSettings();

    public void Validate()
    {
        if (Points < 3) throw new ParadoxException($"--points: must be at least 3 (got {Points})");
        if (!(Span > 0) || !double.IsFinite(Span)) throw new ParadoxException($"--span: must be a number > 0 (got {Span})");
        if (JumpSearch.Refinements < JumpSearchSettings.ConfirmLevels + 1)
            throw new ParadoxException($"--refinements: must be at least {JumpSearchSettings.ConfirmLevels + 1} " +
                $"(got {JumpSearch.Refinements})");
        if (JumpSearch.Probes < 0) throw new ParadoxException($"--probes: must be >= 0 (got {JumpSearch.Probes})");
    }

    public double[] Grid() => Enumerable.Range(0, Points).Select(i => -Span + 2 * Span * i / (Points - 1)).ToArray();
}

/// <summary>The jump search of one relaxation's loss along every direction.</summary>
public sealed record ContinuityResult(string Relaxation, IReadOnlyList<LineSearch> Lines, double Seconds)
{
    public int JumpsFound => Lines.Sum(l => l.Jumps.Count);
    public double LargestJump => Lines.SelectMany(l => l.Jumps).Select(j => j.Size).DefaultIfEmpty(0).Max();
    public int DirectionsWithJump => Lines.Count(l => l.Jumps.Count > 0);
    public int Evaluations => Lines.Sum(l => l.Evaluations);
    /// <summary>Estimated discontinuities per unit of t, a lower bound (<see cref="LineSearch.EstimatedJumps"/>).</summary>
    public double PerUnitLength => Lines.Sum(l => l.EstimatedJumps) / Lines.Sum(l => l.Length);
}

/// <summary>
/// The empirical side of continuity: the loss `L(theta + t d)` along filter-normalised random directions d, searched
/// for jumps with <see cref="JumpDetector"/>. A continuous loss can look steep, never jump: a jump's change over an
/// interval does not shrink as the interval is bisected.
/// </summary>
public static class ContinuityProbe
{
    /// <param name="loss">The loss as a function of the network (e.g. <see cref="Losses.Certified"/> on a fixed batch).</param>
    /// <param name="seed">Seeds the choice of the random probe intervals.</param>
    /// <param name="evaluated">Called after every loss evaluation (progress).</param>
    public static ContinuityResult Run(Network network, string relaxation, Func<Network, double> loss,
        IReadOnlyList<ParameterDirection> directions, ContinuitySettings settings, int seed, Action? evaluated = null)
    {
        settings.Validate();
        var watch = Stopwatch.StartNew();
        using var space = new ParameterSpace(network);
        var grid = settings.Grid();
        var lines = directions.Select((d, i) =>
            JumpDetector.Search(t => space.At(loss, (t, d)), grid, settings.JumpSearch, new Random(seed + i), evaluated)).ToList();
        return new ContinuityResult(relaxation, lines, watch.Elapsed.TotalSeconds);
    }
}
