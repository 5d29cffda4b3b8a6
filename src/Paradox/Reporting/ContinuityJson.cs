using System.Text.Json.Nodes;
using Paradox.Analysis;

namespace Paradox.Reporting;

/// <summary>The JSON of a continuity study (`paradox continuity --json`, analyze's continuity.json): theory, and
/// empirics when run.</summary>
public static class ContinuityJson
{
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
                ["jumps"] = new JsonArray(line.Jumps
                    .Select(j => (JsonNode)new JsonObject { ["t"] = j.T, ["width"] = j.Width, ["size"] = j.Size }).ToArray()),
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
}
