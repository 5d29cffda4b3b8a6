using System.Text.Json;
using System.Text.Json.Nodes;
using Paradox.Certification;
using Paradox.IO;

namespace Paradox.Reporting;

/// <summary>The JSON schema shared by `paradox eval`, `paradox certify` and training results.</summary>
public static class ResultJson
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject ToJson(EvaluationResult r)
    {
        var json = new JsonObject
        {
            ["n"] = r.N,
            ["eps"] = r.Eps,
            ["standard_accuracy"] = r.StandardAccuracy,
        };
        if (r.PgdEvaluated) json["pgd_accuracy"] = r.PgdAccuracy;
        if (r.Certified.Count > 0)
        {
            json["certified"] = new JsonObject(r.Certified.Keys.Where(k => !r.Estimates.Contains(k))
                .Select(k => KeyValuePair.Create(k, (JsonNode?)r.CertifiedAccuracy(k))));
            if (r.Estimates.Count > 0)
            {
                json["estimated"] = new JsonObject(r.Estimates.Select(k => KeyValuePair.Create(k, (JsonNode?)r.CertifiedAccuracy(k))));
                json["estimated_note"] = "estimate, not a certificate: Cauchy projections estimate the bounds";
            }
            if (r.TimedOut.Count > 0)
                json["timed_out"] = new JsonObject(r.TimedOut.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
            json["seconds"] = new JsonObject(r.Seconds.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Math.Round(kv.Value, 3))));
        }
        return json;
    }

    public static void Write(string path, JsonNode json) => AtomicFile.WriteText(path, json.ToJsonString(Indented) + "\n");
}
