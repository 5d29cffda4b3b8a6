using System.Globalization;
using System.Text.Json.Nodes;
using Paradox.Analysis;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>What an empirical continuity run was done on, for the table title and the JSON.</summary>
public sealed record ContinuityRun(string Net, string Dataset, string Model, int N, double Eps, int Directions, ContinuitySettings Settings, long Seed);

/// <summary>The tables and the JSON of `paradox continuity`.</summary>
public static class ContinuityReport
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
                AnsiConsole.WriteLine($"  {v.Relaxation}: only stabiliser-sized steps (D in u - l + D; relative size <= {v.StabiliserSteps.Max(s => s.Size):G2}) at {string.Join(", ", v.StabiliserSteps.Select(s => s.At).Distinct())}");
            if (v.Note is { } note) AnsiConsole.WriteLine($"  {v.Relaxation}: {note}");
        }
    }

    public static void PrintEmpirical(ContinuityRun run, IReadOnlyList<ContinuityVerdict> theory, IReadOnlyList<ContinuityResult> empirical)
    {
        var s = run.Settings;
        var table = new Table()
            .Title(Markup.Escape($"continuity found: {run.Net} on {run.Dataset}, {run.N} test images, eps = {run.Eps}, {run.Directions} direction{(run.Directions == 1 ? "" : "s")} x {s.Points} points on t in [-{s.Span}, {s.Span}]"))
            .AddColumn("relaxation").AddColumn(Right("jumps found")).AddColumn(Right("per unit t (>=)")).AddColumn(Right("largest jump"))
            .AddColumn(Right("directions with a jump")).AddColumn("agrees with theory").AddColumn(Right("evals")).AddColumn(Right("s"));
        foreach (var (v, r) in theory.Zip(empirical))
            table.AddRow(Markup.Escape(r.Relaxation), r.JumpsFound.ToString(), Number(r.PerUnitLength), Number(r.LargestJump),
                $"{r.DirectionsWithJump} / {r.Lines.Count}", Markup.Escape(ContinuityAgreement.Compare(v, r).Short), r.Evaluations.ToString(),
                r.Seconds.ToString("0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        foreach (var (v, r) in theory.Zip(empirical))
            if (ContinuityAgreement.Compare(v, r) is { Agrees: false } disagreement)
                AnsiConsole.WriteLine($"  {r.Relaxation}: {disagreement.Text}");
        AnsiConsole.WriteLine($"  per unit t: a lower bound, at most 1 / grid step = {(s.Points - 1) / (2 * s.Span):G3} (each grid interval counts once)");
    }

    public static JsonObject ToJson(IReadOnlyList<ContinuityVerdict> theory, IReadOnlyList<ContinuityResult>? empirical, ContinuityRun? run)
    {
        var json = new JsonObject { ["theory"] = new JsonObject(theory.Select(v => Entry(v.Relaxation, Theory(v)))) };
        if (empirical is null || run is null) return json;
        json["empirical"] = new JsonObject(theory.Zip(empirical).Select(p => Entry(p.Second.Relaxation, Empirical(p.First, p.Second))));
        json["settings"] = new JsonObject
        {
            ["model"] = run.Model, ["net"] = run.Net, ["dataset"] = run.Dataset, ["n"] = run.N, ["eps"] = run.Eps,
            ["directions"] = run.Directions, ["points"] = run.Settings.Points, ["span"] = run.Settings.Span,
            ["refinements"] = run.Settings.JumpSearch.Refinements, ["probes"] = run.Settings.JumpSearch.Probes,
            ["max_outliers"] = run.Settings.JumpSearch.MaxOutliers, ["candidate_factor"] = run.Settings.JumpSearch.CandidateFactor,
            ["relative_floor"] = run.Settings.JumpSearch.RelativeFloor, ["seed"] = run.Seed,
        };
        return json;
    }

    static JsonObject Theory(ContinuityVerdict v)
    {
        var entry = new JsonObject
        {
            ["continuous"] = v.Continuous,
            ["jumps"] = Jumps(v.Jumps),
            ["reads"] = v.Reads,
            ["pre_activation_bounds"] = v.PreBoundsFromBox ? "box" : "own",
            ["pre_bounds_can_jump"] = v.PreBoundsCanJump,
            ["stabiliser_steps"] = Jumps(v.StabiliserSteps),
        };
        if (v.Note is { } note) entry["note"] = note;
        return entry;
    }

    static JsonObject Empirical(ContinuityVerdict theory, ContinuityResult r)
    {
        var agreement = ContinuityAgreement.Compare(theory, r);
        return new JsonObject
        {
            ["jumps_found"] = r.JumpsFound,
            ["per_unit_length"] = r.PerUnitLength,
            ["largest_jump"] = r.LargestJump,
            ["directions_with_jump"] = r.DirectionsWithJump,
            ["directions"] = r.Lines.Count,
            ["agrees_with_theory"] = agreement.Agrees,
            ["agreement"] = agreement.Text,
            ["evaluations"] = r.Evaluations,
            ["seconds"] = Math.Round(r.Seconds, 3),
            ["lines"] = new JsonArray(r.Lines.Select((line, i) => (JsonNode)new JsonObject
            {
                ["direction"] = i,
                ["t"] = new JsonArray(line.T.Select(t => (JsonNode)t).ToArray()),
                ["loss"] = new JsonArray(line.Values.Select(Finite).ToArray()),
                ["jumps"] = new JsonArray(line.Jumps.Select(j => (JsonNode)new JsonObject { ["t"] = j.T, ["width"] = j.Width, ["size"] = j.Size }).ToArray()),
                ["outliers_bisected"] = line.Outliers,
                ["outlier_jumps"] = line.OutlierJumps,
                ["probes"] = line.Probes,
                ["probe_jumps"] = line.ProbeJumps,
            }).ToArray()),
        };
    }

    static JsonArray Jumps(IEnumerable<TheoryJump> jumps) =>
        new(jumps.Select(j => (JsonNode)new JsonObject { ["at"] = j.At, ["what"] = j.What, ["size"] = j.Size }).ToArray());

    static KeyValuePair<string, JsonNode?> Entry(string key, JsonNode value) => KeyValuePair.Create(key, (JsonNode?)value);

    /// <summary>JSON has no NaN or infinity: a loss that overflowed is written as null.</summary>
    static JsonNode? Finite(double x) => double.IsFinite(x) ? x : null;

    /// <summary>"l = 0: lower slope 1, upper offset 1; |l| = |u|: lower slope 1", or "-" when there are none.</summary>
    static string JumpsText(IReadOnlyList<TheoryJump> jumps) =>
        jumps.Count == 0 ? "-" : string.Join("; ", jumps.GroupBy(j => j.At).Select(g =>
            $"{g.Key}: {string.Join(", ", g.Select(j => $"{j.What} {j.Size:G3}"))}"));

    static string Number(double x) => x.ToString("G3", CultureInfo.InvariantCulture);

    static TableColumn Right(string header) => new TableColumn(header).RightAligned();
}
