using Paradox.Analysis;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>The table of `paradox tightness`.</summary>
public static class TightnessView
{
    public static void Print(TightnessReport t)
    {
        var upper = t.Upper;
        var upperName = t.Exact is not null ? "exact" : "PGD";
        var table = new Table()
            .Title(Markup.Escape($"tightness on {t.Net} (100 x mean certified radius; bisection on [0, {t.EpsMax}], " +
                $"{t.Halvings} halvings)"))
            .AddColumn("relaxation").AddColumn(new TableColumn("images").RightAligned())
            .AddColumn(new TableColumn("tightness").RightAligned())
            .AddColumn(new TableColumn($"relative to {upperName}").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var (relaxation, count) in t.Requests)
        {
            var r = t.Radii[relaxation.Name];
            var ratio = upper is null ? "" : RatioText(TightnessReport.Ratio(r, upper));
            var label = relaxation.IsEstimate ? $"{relaxation.Name} (estimate, not a certificate)" : relaxation.Name;
            table.AddRow(Markup.Escape(label), count.ToString(), TightnessReport.Score(r).ToString("0.000"), ratio,
                t.Seconds[relaxation.Name].ToString("0.0"));
        }
        if (t.Exact is { } exact)
            table.AddRow("exact (MILP)", exact.Radii.Length.ToString(), TightnessReport.Score(exact.Radii).ToString("0.000"), "1",
                exact.Seconds.ToString("0.0"));
        if (t.PgdRadii is { } pgd)
            table.AddRow("PGD (upper radius)", pgd.Length.ToString(), TightnessReport.Score(pgd).ToString("0.000"),
                t.Exact is null ? "1" : RatioText(TightnessReport.Ratio(pgd, t.Exact.Radii)), "");
        AnsiConsole.Write(table);
        if (t.Exact is { } e)
            AnsiConsole.MarkupLine(Markup.Escape($"exact: {e.TimedOut} MILP run(s) timed out (limit {e.TimeLimit} s per image and eps; " +
                "such an eps counts as not certified, so those radii are lower bounds)"));
    }

    static string RatioText(double? ratio) => ratio is { } v ? v.ToString("0.000") : "-";
}
