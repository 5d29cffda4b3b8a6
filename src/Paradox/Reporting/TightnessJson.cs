using System.Text.Json.Nodes;
using Paradox.Analysis;

namespace Paradox.Reporting;

/// <summary>The JSON of a <see cref="TightnessReport"/> (`paradox tightness --json`, analyze's tightness.json).</summary>
public static class TightnessJson
{
    public static JsonObject ToJson(TightnessReport t)
    {
        static JsonArray Numbers(IEnumerable<float> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        var json = new JsonObject
        {
            ["network"] = t.Net,
            ["model"] = t.Model,
            ["n"] = t.N,
            ["images"] = new JsonObject(t.Requests.Select(r => KeyValuePair.Create(r.Relaxation.Name, (JsonNode?)r.Count))),
            ["eps_max"] = t.EpsMax,
            ["tol"] = t.Tol,
            ["halvings"] = t.Halvings,
            ["tightness"] = new JsonObject(t.Requests.Select(r =>
                KeyValuePair.Create(r.Relaxation.Name, (JsonNode?)TightnessReport.Score(t.Radii[r.Relaxation.Name])))),
            ["radii"] = new JsonObject(t.Requests.Select(r =>
                KeyValuePair.Create(r.Relaxation.Name, (JsonNode?)Numbers(t.Radii[r.Relaxation.Name])))),
        };
        if (t.PgdRadii is { } pgd)
        {
            json["pgd_tightness"] = TightnessReport.Score(pgd);
            json["pgd_radii"] = Numbers(pgd);
        }
        if (t.Exact is { } exact)
        {
            json["exact_tightness"] = TightnessReport.Score(exact.Radii);
            json["exact_radii"] = Numbers(exact.Radii);
            json["exact_timeouts"] = exact.TimedOut;
            json["milp_time_limit"] = exact.TimeLimit;
        }
        // `relative` is mean r_R / mean r_upper, with the exact radius as r_upper when --exact is given, else PGD's.
        if (t.Upper is { } upper)
        {
            json["relative_to"] = t.Exact is not null ? "exact" : "pgd";
            json["relative"] = new JsonObject(t.Requests.Select(r => KeyValuePair.Create(r.Relaxation.Name,
                (JsonNode?)TightnessReport.Ratio(t.Radii[r.Relaxation.Name], upper))));
        }
        var estimates = t.Requests.Where(r => r.Relaxation.IsEstimate).Select(r => r.Relaxation.Name).ToArray();
        if (estimates.Length > 0) json["estimated_note"] = $"{string.Join(", ", estimates)}: estimate, not a certificate";
        return json;
    }
}
