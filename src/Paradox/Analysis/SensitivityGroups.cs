using Paradox.Relaxations;

namespace Paradox.Analysis;

/// <summary>
/// One measure checked against the study's grouping: it separates the groups when the largest median of the
/// low group is below the smallest median of the high group. <see cref="Margin"/> is that smallest high
/// median over the largest low median (above 1 exactly when the groups separate).
/// </summary>
public sealed record GroupSeparation(string Measure, IReadOnlyList<(string Name, double Median)> Low,
    IReadOnlyList<(string Name, double Median)> High)
{
    public double LowMax => Low.Max(r => r.Median);
    public double HighMin => High.Min(r => r.Median);
    public bool Separates => LowMax < HighMin;
    public double Margin => HighMin / LowMax;
}

/// <summary>
/// The study's claim: Box and hBox are not sensitive, DeepPoly/CROWN, CROWN-IBP and DeepZ are. Only
/// relaxations named by their plain domain (no `:variant`) are placed in a group.
/// </summary>
public static class SensitivityGroups
{
    public static readonly IReadOnlyList<string> LowDomains = ["box", "hbox"];
    public static readonly IReadOnlyList<string> HighDomains = ["deeppoly", "crown-ibp", "zono"];

    public const string Perturbation = "perturbation", Curvature = "curvature", GradientNorm = "gradient norm";

    /// <summary>The three measures, or none when either group has no member among the rows.</summary>
    public static IReadOnlyList<GroupSeparation> Compare(IReadOnlyList<SensitivityRow> rows)
    {
        var low = rows.Where(r => InGroup(r.Name, LowDomains)).ToList();
        var high = rows.Where(r => InGroup(r.Name, HighDomains)).ToList();
        if (low.Count == 0 || high.Count == 0) return [];
        GroupSeparation Of(string measure, Func<SensitivityRow, double> median) =>
            new(measure, low.Select(r => (r.Name, median(r))).ToList(), high.Select(r => (r.Name, median(r))).ToList());
        return
        [
            Of(Perturbation, r => r.Perturbation.Median),
            Of(Curvature, r => r.Curvature.Median),
            Of(GradientNorm, r => r.GradientNormRatio),
        ];
    }

    static bool InGroup(string name, IReadOnlyList<string> domains) =>
        !name.Contains(':') && RelaxationCatalog.DomainOf(name) is { } domain && domains.Contains(domain);
}
