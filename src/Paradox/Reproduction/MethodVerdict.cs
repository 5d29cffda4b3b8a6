namespace Paradox.Reproduction;

/// <summary>
/// One column of a table of training methods (<see cref="MethodComparison"/>): the row that certifies most among the finished
/// ones, and whether a method on a tight relaxation certifies more than the baseline cell (null while that is open).
/// </summary>
public sealed record MethodVerdict(string Table, string Column, string? Best, double? BestCertified, bool? TightBeatsBaseline,
    string BestSentence, string TightSentence);

public static class MethodVerdicts
{
    /// <summary>One verdict per column of <paramref name="table"/> with a finished run; the baseline is read from the
    /// same outcomes.</summary>
    public static List<MethodVerdict> Judge(GridTable table, IReadOnlyList<RunOutcome> outcomes, string profile)
    {
        var verdicts = new List<MethodVerdict>();
        if (table.Compare is not { } compare) return verdicts;
        foreach (var column in table.Columns)
        {
            double? Certified(string tableName, string row) => FinishedCell.Certified(outcomes, tableName, column, row);
            var rows = table.Rows.Select(r => (Row: r, Cert: Certified(table.Name, r))).ToList();
            var finished = rows.Where(r => r.Cert is not null).OrderByDescending(r => r.Cert).ToList();
            if (finished.Count == 0) continue;
            var missing = rows.Where(r => r.Cert is null).Select(r => r.Row).ToList();
            string where = $"{column} ({table.Name}, profile {profile})";
            string rest = missing.Count > 0 ? $"; not finished: {string.Join(", ", missing)}" : "";
            var best = finished[0];
            string bestSentence = $"{where}: {best.Row} certifies most, {P(best.Cert!.Value)} % " +
                $"({string.Join(", ", finished.Select(r => $"{r.Row} {P(r.Cert!.Value)}"))}){rest}.";

            var baseline = Certified(compare.BaselineTable, compare.BaselineRow);
            string baselineName = $"{compare.BaselineRow} ({compare.BaselineTable})";
            var tight = compare.Tight.Select(r => (Row: r, Cert: Certified(table.Name, r))).ToList();
            var tightDone = tight.Where(t => t.Cert is not null).ToList();
            var tightMissing = tight.Where(t => t.Cert is null).Select(t => t.Row).ToList();
            string tightRest = tightMissing.Count > 0 ? $"; not finished: {string.Join(", ", tightMissing)}" : "";
            bool? beats;
            string tightSentence;
            if (baseline is null)
            {
                beats = null;
                tightSentence = $"{where}: open: {baselineName} is not among the finished runs of this report, " +
                    "so no tight method can be compared with it.";
            }
            else if (tightDone.Where(t => t.Cert > baseline).OrderByDescending(t => t.Cert).FirstOrDefault() is { Row: not null } winner)
            {
                beats = true;
                tightSentence = $"{where}: yes, a method on a tight relaxation beats {baselineName}: " +
                    $"{winner.Row} certifies {P(winner.Cert!.Value)} %, " +
                    $"{baselineName} {P(baseline.Value)} %{tightRest}.";
            }
            else
            {
                beats = tightMissing.Count > 0 ? null : false;
                string done = tightDone.Count > 0 ? $" ({string.Join(", ", tightDone.Select(t => $"{t.Row} {P(t.Cert!.Value)}"))})" : "";
                tightSentence = tightMissing.Count > 0
                    ? $"{where}: open: no finished method on a tight relaxation{done} beats {baselineName}'s {P(baseline.Value)} % " +
                      $"so far{tightRest}."
                    : $"{where}: no, no method on a tight relaxation{done} beats {baselineName}'s {P(baseline.Value)} %.";
            }
            verdicts.Add(new(table.Name, column, best.Row, best.Cert, beats, bestSentence, tightSentence));
        }
        return verdicts;
    }

    static string P(double v) => FinishedCell.Percent(v);
}
