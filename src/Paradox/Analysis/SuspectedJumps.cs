namespace Paradox.Analysis;

/// <summary>
/// A quick local rule for marking possible jumps on a sampled curve (not a test of continuity): the step from
/// point i to i+1 is suspect when its `abs(delta L)` exceeds <see cref="Factor"/> times the median step of the
/// curve and also <see cref="Factor"/> times each neighbouring step, so that smooth but steep growth (every
/// step large, neighbours alike) is not marked.
/// </summary>
public static class SuspectedJumps
{
    public const double Factor = 10;

    /// <summary>Indices i of the suspect steps (i, i+1).</summary>
    public static IReadOnlyList<int> Find(IReadOnlyList<double> losses)
    {
        if (losses.Count < 3) return [];
        var steps = Enumerable.Range(0, losses.Count - 1).Select(i => Math.Abs(losses[i + 1] - losses[i])).ToArray();
        if (steps.Any(s => !double.IsFinite(s))) return [];
        double median = Spread.MedianOf(steps);
        var found = new List<int>();
        for (int i = 0; i < steps.Length; i++)
        {
            double neighbours = Math.Max(i > 0 ? steps[i - 1] : 0, i + 1 < steps.Length ? steps[i + 1] : 0);
            if (steps[i] > Factor * median && steps[i] > Factor * neighbours) found.Add(i);
        }
        return found;
    }
}
