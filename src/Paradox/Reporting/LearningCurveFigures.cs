using Paradox.IO;
using ScottPlot;

namespace Paradox.Reporting;

/// <summary>Figures of learning curves from run directories: one figure per group (a table column, or dataset/net).</summary>
public static class LearningCurveFigures
{
    /// <summary>A run to draw: its legend name, its group (one figure each) and its metrics.csv.</summary>
    public sealed record Source(string Name, string Group, string MetricsFile);

    /// <summary>
    /// Writes one PNG per group that has at least one epoch recorded; with one group the file is
    /// <paramref name="png"/> itself, with several `&lt;png without .png&gt;-&lt;group&gt;.png`. Returns (group, path) written.
    /// </summary>
    public static List<(string Group, string Path)> Write(IEnumerable<Source> sources, string png, string titlePrefix)
    {
        var groups = sources.Where(s => File.Exists(s.MetricsFile))
            .Select(s => (s.Group, Curve: new LearningCurve(s.Name, MetricsCsv.Read(s.MetricsFile))))
            .Where(c => c.Curve.Rows.Count > 0)
            .GroupBy(c => c.Group).ToList();
        var written = new List<(string, string)>();
        foreach (var group in groups)
        {
            var path = groups.Count == 1 ? png : $"{png[..^".png".Length]}-{Slug(group.Key)}.png";
            LearningCurvePlot.Write(path, LearningCurvePlot.Render($"{titlePrefix}{group.Key}", [.. group.Select(c => c.Curve)]));
            written.Add((group.Key, path));
        }
        return written;
    }

    /// <summary>A file-name piece: lower case, runs of other characters as one '-'.</summary>
    public static string Slug(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
}
