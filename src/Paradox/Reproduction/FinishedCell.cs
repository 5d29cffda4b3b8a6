using System.Globalization;

namespace Paradox.Reproduction;

/// <summary>What the verdicts read of one grid cell (table, column, row), shared so that every verdict counts runs alike.</summary>
public static class FinishedCell
{
    /// <summary>
    /// The cell's certified accuracy (%): the mean over its runs (seeds) when every one of them finished with a measured
    /// certified accuracy; null while one is missing, unfinished, failed or only estimated.
    /// </summary>
    public static double? Certified(IReadOnlyList<RunOutcome> outcomes, string table, string column, string row)
    {
        var runs = outcomes
            .Where(o => o.Resolved.Run.Table == table && o.Resolved.Run.Column == column && o.Resolved.Run.Row == row).ToList();
        return runs.Count > 0 && runs.All(o => o.Status == RunOutcome.Finished && o.Certified is not null && !o.Estimated)
            ? runs.Average(o => o.Certified!.Value) : null;
    }

    /// <summary>A percentage as the verdict sentences print it (one decimal, invariant culture).</summary>
    public static string Percent(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
}
