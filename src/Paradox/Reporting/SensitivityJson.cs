using System.Text.Json.Nodes;
using Paradox.Analysis;

namespace Paradox.Reporting;

/// <summary>
/// The JSON of `paradox sensitivity`: settings, one entry per loss (relative measures with their spread, raw
/// medians, analytic degree when modelled) and the check of the study's grouping.
/// </summary>
public static class SensitivityJson
{
    public static JsonObject ToJson(SensitivityReport r) => new()
    {
        ["model"] = r.Model,
        ["net"] = r.Architecture,
        ["dataset"] = r.Dataset,
        ["n"] = r.Images,
        ["eps"] = r.Eps,
        ["directions"] = r.Directions,
        ["scales"] = new JsonArray(r.Scales.Select(s => (JsonNode?)s).ToArray()),
        ["seed"] = r.Seed,
        ["relative_to"] = NamedLoss.NaturalName,
        ["losses"] = new JsonArray(r.Rows.Select(row => (JsonNode?)Row(row, r.Degrees.FirstOrDefault(d => d.Name == row.Name))).ToArray()),
        ["groups"] = Groups(r.Groups),
    };

    static JsonObject Row(SensitivityRow row, BoundDegree? degree)
    {
        var json = new JsonObject
        {
            ["name"] = row.Name,
            ["loss"] = Number(row.Loss),
            ["perturbation"] = Spread(row.Perturbation),
            ["curvature"] = Spread(row.Curvature),
            ["gradient_norm_ratio"] = Number(row.GradientNormRatio),
            ["by_scale"] = new JsonArray(row.ByScale.Select(m => (JsonNode?)new JsonObject
            {
                ["scale"] = m.Scale, ["perturbation"] = Number(m.Perturbation), ["curvature"] = Number(m.Curvature),
            }).ToArray()),
            ["raw"] = new JsonObject
            {
                ["perturbation_median"] = Number(Analysis.Spread.MedianOf(row.Raw.Slopes)),
                ["curvature_median"] = Number(Analysis.Spread.MedianOf(row.Raw.Curvatures)),
                ["gradient_norm"] = Number(row.Raw.GradientNorm),
            },
        };
        if (degree is not null)
            json["bound_degree"] = new JsonObject
            {
                ["form"] = degree.Form.ToString(),
                ["numerator"] = Number(degree.Numerator),
                ["denominator"] = Number(degree.Denominator),
                ["crossing_per_layer"] = new JsonArray(degree.Crossing.Select(c => (JsonNode?)c).ToArray()),
            };
        return json;
    }

    static JsonObject Spread(Spread s) => new()
    {
        ["median"] = Number(s.Median), ["q1"] = Number(s.Q1), ["q3"] = Number(s.Q3), ["min"] = Number(s.Min), ["max"] = Number(s.Max),
    };

    /// <summary>JSON has no NaN or infinity: a non-finite value is written as null.</summary>
    static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    static JsonObject Groups(IReadOnlyList<GroupSeparation> groups) => new()
    {
        ["low"] = new JsonArray(SensitivityGroups.LowDomains.Select(d => (JsonNode?)d).ToArray()),
        ["high"] = new JsonArray(SensitivityGroups.HighDomains.Select(d => (JsonNode?)d).ToArray()),
        ["measures"] = new JsonArray(groups.Select(g => (JsonNode?)new JsonObject
        {
            ["measure"] = g.Measure,
            ["low_max"] = Number(g.LowMax),
            ["high_min"] = Number(g.HighMin),
            ["margin"] = Number(g.Margin),
            ["separates"] = g.Separates,
        }).ToArray()),
    };
}
