namespace Paradox.Reproduction;

/// <summary>
/// Whether one column of a table shows the paradox: the loose relaxation (Box) certifies more than every tighter one.
/// Reproduces is null while the answer is still open (Box, or a tighter row it leads so far, has not finished).
/// </summary>
public sealed record ParadoxVerdict(string Table, string Column, bool? Reproduces, string Sentence);

public static class ParadoxVerdicts
{
    /// <summary>One verdict per column of <paramref name="table"/> that has a finished run among the claim's rows.</summary>
    public static List<ParadoxVerdict> Judge(GridTable table, IReadOnlyList<RunOutcome> outcomes, string profile)
    {
        var verdicts = new List<ParadoxVerdict>();
        if (table.Paradox is not { } claim) return verdicts;
        foreach (var column in table.Columns)
        {
            double? Certified(string row) => FinishedCell.Certified(outcomes, table.Name, column, row);
            var loose = Certified(claim.Loose);
            var tighter = claim.Tighter.Select(r => (Row: r, Cert: Certified(r))).ToList();
            var finished = tighter.Where(t => t.Cert is not null).ToList();
            var missing = tighter.Where(t => t.Cert is null).Select(t => t.Row).ToList();
            if (loose is null && finished.Count == 0) continue;
            string List(IEnumerable<(string Row, double? Cert)> rows) => string.Join(", ", rows.Select(t => $"{t.Row} {P(t.Cert!.Value)}"));
            string where = $"{column} ({table.Name}, profile {profile})";
            if (loose is null)
            {
                verdicts.Add(new(table.Name, column, null,
                    $"{where}: open: {claim.Loose} has not finished yet " +
                    $"({finished.Count} of {tighter.Count} tighter relaxations finished: {List(finished)})."));
                continue;
            }
            var above = finished.Where(t => t.Cert >= loose).OrderByDescending(t => t.Cert).ToList();
            string rest = missing.Count > 0 ? $"; not finished: {string.Join(", ", missing)}" : "";
            if (above.Count > 0)
                verdicts.Add(new(table.Name, column, false,
                    $"{where}: the paradox does NOT reproduce: {claim.Loose} certifies {P(loose.Value)} %, not more than {List(above)}" +
                    (finished.Count > above.Count ? $" (below it: {List(finished.Except(above))})" : "") + $"{rest}."));
            else if (missing.Count > 0)
                verdicts.Add(new(table.Name, column, null,
                    $"{where}: open: {claim.Loose} certifies {P(loose.Value)} %, more than the {finished.Count} of {tighter.Count} " +
                    $"tighter relaxations finished so far" + (finished.Count > 0 ? $" ({List(finished)})" : "") + $"{rest}."));
            else
                verdicts.Add(new(table.Name, column, true,
                    $"{where}: the paradox reproduces: {claim.Loose} certifies {P(loose.Value)} %, " +
                    $"more than every tighter relaxation ({List(finished)})."));
        }
        return verdicts;
    }

    static string P(double v) => FinishedCell.Percent(v);
}
