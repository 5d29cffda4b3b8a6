using System.Text.RegularExpressions;
using Paradox.Data;
using Paradox.Networks;

namespace Paradox.Training;

/// <summary>Which runs <see cref="RunStore.List"/> returns; a null criterion matches every run.</summary>
public sealed record RunFilter
{
    public static readonly RunFilter All = new();

    public RunStatus? Status { get; init; }
    /// <summary>A substring of the label, or a glob (`*`, `?`) that must match the whole label.</summary>
    public string? Label { get; init; }
    /// <summary>Dataset name or alias (`fmnist` finds `fashion-mnist` runs).</summary>
    public string? Dataset { get; init; }
    /// <summary>Architecture name or alias.</summary>
    public string? Net { get; init; }
    /// <summary>Training relaxation: `crown` finds `crown` and `crown:soft` runs, `crown:soft` only the latter.</summary>
    public string? TrainDomain { get; init; }

    /// <summary>The criteria as one predicate; unknown dataset or architecture names are errors, not empty lists.</summary>
    internal Func<RunRecord, bool> Compile()
    {
        var label = Label is null ? null : LabelMatcher(Label);
        var dataset = Dataset is null ? null : DatasetInfo.Parse(Dataset).Name;
        var net = Net is null ? null : Architectures.Canonical(Net);
        return run =>
        {
            if (Status is { } status && run.Status != status) return false;
            if (label is not null && !label(run.Label)) return false;
            if (dataset is null && net is null && TrainDomain is null) return true;
            var config = run.Config;
            return (dataset is null || Canonical(config.Dataset, d => DatasetInfo.Parse(d).Name) == dataset)
                && (net is null || Canonical(config.Net, Architectures.Canonical) == net)
                && (TrainDomain is null || DomainMatches(config.TrainDomain, TrainDomain));
        };
    }

    static Func<string, bool> LabelMatcher(string pattern)
    {
        if (pattern.IndexOfAny(['*', '?']) < 0) return label => label.Contains(pattern, StringComparison.Ordinal);
        var regex = new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$");
        return regex.IsMatch;
    }

    /// <summary>The canonical spelling of a stored name; a name this version no longer knows is compared as written.</summary>
    static string Canonical(string stored, Func<string, string> canonical)
    {
        try { return canonical(stored); }
        catch (ParadoxException) { return stored; }
    }

    static bool DomainMatches(string? trained, string wanted) =>
        trained is not null
        && (trained.Equals(wanted, StringComparison.OrdinalIgnoreCase)
            || trained.Split(':')[0].Equals(wanted, StringComparison.OrdinalIgnoreCase));
}
