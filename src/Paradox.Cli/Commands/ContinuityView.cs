using System.Globalization;
using Paradox.Analysis;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>The tables of `paradox continuity`.</summary>
public static class ContinuityView
{
    public static void PrintTheory(IReadOnlyList<ContinuityVerdict> theory)
    {
        var table = new Table().Title("continuity in theory (derived from each relaxation's ReLU rule and engine)")
            .AddColumns("relaxation", "continuous (theory)", "jumps at (size at |l|, |u| ~ 1)", "[[l, u]] from", "[[l, u]] can jump");
        foreach (var v in theory)
            table.AddRow(Markup.Escape(v.Relaxation), v.Continuous ? "yes" : "no", Markup.Escape(JumpsText(v.Jumps)),
                v.PreBoundsFromBox ? "Box" : "own", v.PreBoundsCanJump ? "yes" : "no");
        AnsiConsole.Write(table);
        foreach (var v in theory)
        {
            if (v.StabiliserSteps.Count > 0)
                AnsiConsole.WriteLine($"  {v.Relaxation}: only stabiliser-sized steps (D in u - l + D; relative size <= " +
                    $"{v.StabiliserSteps.Max(s => s.Size):G2}) at {string.Join(", ", v.StabiliserSteps.Select(s => s.At).Distinct())}");
            if (v.Note is { } note) AnsiConsole.WriteLine($"  {v.Relaxation}: {note}");
        }
    }

    public static void PrintEmpirical(ContinuityRun run, IReadOnlyList<ContinuityVerdict> theory, IReadOnlyList<ContinuityResult> empirical)
    {
        var s = run.Settings;
        var table = new Table()
            .Title(Markup.Escape($"continuity found: {run.Net} on {run.Dataset}, {run.N} test images, eps = {run.Eps}, " +
                $"{run.Directions} direction{(run.Directions == 1 ? "" : "s")} x {s.Points} points on t in [-{s.Span}, {s.Span}]"))
            .AddColumn("relaxation").AddColumn(Right("jumps found")).AddColumn(Right("per unit t (>=)")).AddColumn(Right("largest jump"))
            .AddColumn(Right("directions with a jump")).AddColumn("agrees with theory").AddColumn(Right("evals")).AddColumn(Right("s"));
        foreach (var (v, r) in theory.Zip(empirical))
            table.AddRow(Markup.Escape(r.Relaxation), r.JumpsFound.ToString(), Number(r.PerUnitLength), Number(r.LargestJump),
                $"{r.DirectionsWithJump} / {r.Lines.Count}", Markup.Escape(ContinuityAgreement.Compare(v, r).Short),
                r.Evaluations.ToString(), r.Seconds.ToString("0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        foreach (var (v, r) in theory.Zip(empirical))
            if (ContinuityAgreement.Compare(v, r) is { Agrees: false } disagreement)
                AnsiConsole.WriteLine($"  {r.Relaxation}: {disagreement.Text}");
        AnsiConsole.WriteLine($"  per unit t: a lower bound, at most 1 / grid step = {(s.Points - 1) / (2 * s.Span):G3} " +
            "(each grid interval counts once)");
    }

    /// <summary>"l = 0: lower slope 1, upper offset 1; |l| = |u|: lower slope 1", or "-" when there are none.</summary>
    static string JumpsText(IReadOnlyList<TheoryJump> jumps) =>
        jumps.Count == 0 ? "-" : string.Join("; ", jumps.GroupBy(j => j.At).Select(g =>
            $"{g.Key}: {string.Join(", ", g.Select(j => $"{j.What} {j.Size:G3}"))}"));

    static string Number(double x) => x.ToString("G3", CultureInfo.InvariantCulture);

    static TableColumn Right(string header) => new TableColumn(header).RightAligned();
}
