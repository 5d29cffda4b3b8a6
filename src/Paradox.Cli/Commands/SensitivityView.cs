using Paradox.Analysis;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>The sensitivity tables, the bound degrees and the verdict on the study's grouping, for the terminal.</summary>
public static class SensitivityView
{
    public static void Print(SensitivityReport r)
    {
        AnsiConsole.MarkupLine(Markup.Escape($"{Path.GetFileName(r.Model)} ({r.Architecture} on {r.Dataset}), eps = {r.Eps}, " +
            $"{r.Images} images, {r.Directions} directions x scales {string.Join(",", r.Scales)}, seed {r.Seed}; " +
            "every measure relative to the natural loss"));
        var table = new Table()
            .AddColumn("loss")
            .AddColumn(new TableColumn("L(theta)").RightAligned())
            .AddColumn(new TableColumn("perturbation [[IQR]]").RightAligned())
            .AddColumn(new TableColumn("curvature [[IQR]]").RightAligned())
            .AddColumn(new TableColumn("grad norm").RightAligned());
        foreach (var row in r.Rows)
            table.AddRow(Markup.Escape(row.Name), Number(row.Loss), Markup.Escape(WithSpread(row.Perturbation)),
                Markup.Escape(WithSpread(row.Curvature)), Number(row.GradientNormRatio));
        AnsiConsole.Write(table);
        PrintByScale(r);
        PrintDegrees(r.Degrees);
        PrintVerdict(r.Groups);
    }

    static void PrintByScale(SensitivityReport r)
    {
        var table = new Table().AddColumn("median at scale s");
        foreach (var s in r.Scales) table.AddColumn(new TableColumn($"pert. {s}").RightAligned());
        foreach (var s in r.Scales) table.AddColumn(new TableColumn($"curv. {s}").RightAligned());
        foreach (var row in r.Rows)
            table.AddRow([Markup.Escape(row.Name), .. row.ByScale.Select(m => Number(m.Perturbation)),
                .. row.ByScale.Select(m => Number(m.Curvature))]);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("(a jump makes the perturbation grow like 1/s and the curvature like 1/s^2 as s shrinks; " +
            "smooth losses stay flat)");
    }

    static void PrintDegrees(IReadOnlyList<BoundDegree> degrees)
    {
        if (degrees.Count == 0) return;
        AnsiConsole.MarkupLine("final bound of one image as a function of the weights (recursion over layers; median over images):");
        foreach (var d in degrees)
        {
            var crossing = d.Form == BoundForm.Polynomial
                ? ""
                : $" (crossing neurons per ReLU layer: {string.Join(", ", d.Crossing.Select(c => c.ToString("0")))})";
            AnsiConsole.MarkupLine(Markup.Escape($"  {d.Name}: {d.Describe()}{crossing}"));
        }
    }

    static void PrintVerdict(IReadOnlyList<GroupSeparation> groups)
    {
        var low = string.Join(", ", SensitivityGroups.LowDomains);
        var high = string.Join(", ", SensitivityGroups.HighDomains);
        if (groups.Count == 0)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"study's grouping not checked: it needs one of {{{low}}} and one of {{{high}}}"));
            return;
        }
        foreach (var g in groups)
            AnsiConsole.MarkupLine(Markup.Escape($"{g.Measure}: {(g.Separates ? "separates" : "does NOT separate")} the groups " +
                $"(largest low {Number(g.LowMax)}, smallest high {Number(g.HighMin)}, ratio {g.Margin:0.00})"));
        int separating = groups.Count(g => g.Separates);
        var summary = separating == groups.Count ? "every measure separates"
            : separating == 0 ? "no measure separates" : $"{separating} of {groups.Count} measures separate";
        AnsiConsole.MarkupLine(Markup.Escape($"study's claim, {{{low}}} low and {{{high}}} high: {summary} the groups on this network"));
    }

    static string WithSpread(Spread s) => $"{Number(s.Median)} [{Number(s.Q1)}, {Number(s.Q3)}]";

    static string Number(double v) =>
        Math.Abs(v) >= 1e4 || (v != 0 && Math.Abs(v) < 1e-3)
            ? v.ToString("0.##e0")
            : Math.Abs(v) >= 100 ? v.ToString("0") : v.ToString("G3");
}
