using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paradox.IO;
using Paradox.Training;

namespace Paradox.Reproduction;

/// <summary>A grid run resolved under a profile: its configuration, or why it cannot run here (then Config may be null).</summary>
public sealed record ResolvedRun(GridRun Run, TrainConfig? Config, string? SkipReason, RunEstimate? Estimate)
{
    /// <summary>The run's label in the run store and its directory name: grid label and profile.</summary>
    public string RunLabel(string profile) => $"{Run.Label}-{profile}";
}

/// <summary>Where one run stands and what it gave, as the report lists it (accuracies in percent).</summary>
public sealed record RunOutcome(
    ResolvedRun Resolved, string RunLabel, string Status, double? Standard, double? Certified, bool Estimated,
    double? Seconds, string? Note)
{
    public const string Finished = "finished", Failed = "failed", Skipped = "skipped", Incomplete = "incomplete", Pending = "pending";
}

/// <summary>
/// `report.md` (each table laid out like the paper's: rows relaxations, columns dataset/net, cells "std / cert" in
/// percent, "—" when missing, the published numbers beside their column where the grid has them), `report.json`
/// and `report.csv` (one row per run) of a reproduction, from the run directories under the main directory.
/// </summary>
public static class ReproductionReport
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// The outcome of every run: finished when its results.json exists; otherwise failed (this session's error
    /// or runs.db's), skipped (dataset or settings unavailable), incomplete (a run directory without results)
    /// or pending.
    /// </summary>
    public static List<RunOutcome> Collect(IReadOnlyList<ResolvedRun> runs, string mainDir, string profile,
        IReadOnlyDictionary<string, string>? sessionFailures = null, IReadOnlyList<string>? elsewhere = null)
    {
        IReadOnlyList<RunRecord> records = [];
        if (File.Exists(RunStore.PathIn(mainDir)))
        {
            try { using var store = RunStore.Open(mainDir); records = store.List(new RunFilter()); }
            catch (ParadoxException) { /* the report falls back on the run directories */ }
        }
        var outcomes = new List<RunOutcome>();
        foreach (var r in runs)
        {
            var label = r.RunLabel(profile);
            var dir = new RunDirectory(FindRunDirectory(mainDir, elsewhere, label));
            var record = records.FirstOrDefault(x => x.Label == label);
            if (File.Exists(dir.ResultsFile))
            {
                var (std, cert, estimated, evalSeconds) = ReadResults(dir.ResultsFile, r.Config);
                outcomes.Add(new RunOutcome(r, label, RunOutcome.Finished, std, cert, estimated,
                    TrainSeconds(dir.MetricsFile) + evalSeconds, null));
            }
            else if (sessionFailures?.TryGetValue(r.Run.Label, out var error) == true)
                outcomes.Add(new RunOutcome(r, label, RunOutcome.Failed, null, null, false, null, error));
            else if (r.SkipReason is not null)
                outcomes.Add(new RunOutcome(r, label, RunOutcome.Skipped, null, null, false, null, r.SkipReason));
            else if (record is { Status: RunStatus.Failed })
                outcomes.Add(new RunOutcome(r, label, RunOutcome.Failed, null, null, false, null, record.Error));
            else if (File.Exists(dir.ConfigFile))
                outcomes.Add(new RunOutcome(r, label, RunOutcome.Incomplete, null, null, false, TrainSeconds(dir.MetricsFile),
                    record is null ? "run directory without results" : $"{record.Status.ToText()}, {record.EpochsDone} epochs done"));
            else
                outcomes.Add(new RunOutcome(r, label, RunOutcome.Pending, null, null, false, null, null));
        }
        return outcomes;
    }

    /// <summary>
    /// Where the run directory <paramref name="label"/> is: `mainDir/label`, else the first of `DIR/label` and
    /// `DIR/*/label` over <paramref name="elsewhere"/> (directories trained on other machines and copied back) that
    /// holds results.json, else one that holds config.json; `mainDir/label` when none does.
    /// </summary>
    public static string FindRunDirectory(string mainDir, IReadOnlyList<string>? elsewhere, string label)
    {
        var home = Path.Combine(mainDir, label);
        if (elsewhere is null or { Count: 0 } || File.Exists(new RunDirectory(home).ResultsFile)) return home;
        var candidates = elsewhere.SelectMany(d => Directory.Exists(d)
            ? Directory.EnumerateDirectories(d).Order(StringComparer.Ordinal).Select(sub => Path.Combine(sub, label))
                .Prepend(Path.Combine(d, label))
            : []).Prepend(home).Where(Directory.Exists).Select(d => new RunDirectory(d)).ToList();
        return (candidates.FirstOrDefault(d => File.Exists(d.ResultsFile))
            ?? candidates.FirstOrDefault(d => File.Exists(d.ConfigFile)))?.Path ?? home;
    }

    /// <summary>Standard and certified accuracy (%) at the first eps of results.json, for the run's first verify domain.</summary>
    static (double? Std, double? Cert, bool Estimated, double Seconds) ReadResults(string path, TrainConfig? config)
    {
        try
        {
            var first = JsonNode.Parse(File.ReadAllText(path)) is JsonArray { Count: > 0 } a ? a[0] : null;
            if (first is null) return (null, null, false, 0);
            double? std = (double?)first["standard_accuracy"] * 100;
            var domain = config?.VerifyDomains.FirstOrDefault();
            double? cert = null;
            bool estimated = false;
            if (domain is not null)
            {
                if (first["certified"]?[domain] is { } c) cert = (double)c * 100;
                else if (first["estimated"]?[domain] is { } e) { cert = (double)e * 100; estimated = true; }
            }
            double seconds = first["seconds"] is JsonObject s ? s.Sum(kv => (double?)kv.Value ?? 0) : 0;
            return (std, cert, estimated, seconds);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IOException)
        {
            return (null, null, false, 0);
        }
    }

    /// <summary>The training seconds recorded in metrics.csv (0 when it is missing).</summary>
    static double TrainSeconds(string metricsFile)
    {
        if (!File.Exists(metricsFile)) return 0;
        double total = 0;
        // The columns between epoch and lr are the training method's schedule coefficients: find seconds by name.
        int column = Array.IndexOf(File.ReadLines(metricsFile).FirstOrDefault()?.Split(',') ?? [], "seconds");
        if (column < 0) return 0;
        foreach (var line in File.ReadLines(metricsFile).Skip(1))
        {
            var parts = line.Split(',');
            if (parts.Length > column && double.TryParse(parts[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
                total += s;
        }
        return total;
    }

    // ---------------------------------------------------------------- writing

    public static void Write(GridDefinition grid, GridProfile profile, string mainDir, IReadOnlyList<string> tables,
        IReadOnlyList<RunOutcome> outcomes, IReadOnlyList<string>? elsewhere = null)
    {
        Directory.CreateDirectory(mainDir);
        var verdicts = tables.SelectMany(t => ParadoxVerdicts.Judge(grid.Table(t), outcomes, profile.Name)).ToList();
        var methods = tables.SelectMany(t => MethodVerdicts.Judge(grid.Table(t), outcomes, profile.Name)).ToList();
        var curves = WriteCurves(grid, mainDir, tables, outcomes, elsewhere);
        AtomicFile.WriteText(Path.Combine(mainDir, "report.md"),
            Markdown(grid, profile, mainDir, tables, outcomes, verdicts, methods, curves));
        AtomicFile.WriteText(Path.Combine(mainDir, "report.json"),
            Json(grid, profile, mainDir, outcomes, verdicts, methods).ToJsonString(Indented) + "\n");
        AtomicFile.WriteText(Path.Combine(mainDir, "report.csv"), Csv(outcomes));
    }

    /// <summary>
    /// One learning-curve PNG per table column with recorded epochs, `curves-&lt;table&gt;-&lt;column&gt;.png` in the main
    /// directory, one line per row (relaxation). Returns (table, column, file name) of each written.
    /// </summary>
    static List<(string Table, string Column, string File)> WriteCurves(GridDefinition grid, string mainDir, IReadOnlyList<string> tables,
        IReadOnlyList<RunOutcome> outcomes, IReadOnlyList<string>? elsewhere)
    {
        var written = new List<(string, string, string)>();
        foreach (var name in tables)
        {
            var table = grid.Table(name);
            foreach (var column in table.Columns)
            {
                var mine = outcomes.Where(o => o.Resolved.Run.Table == name && o.Resolved.Run.Column == column)
                    .OrderBy(o => Array.IndexOf(table.Rows, o.Resolved.Run.Row)).ToList();
                var sources = mine.Select(o => new Reporting.LearningCurveFigures.Source(
                    mine.Count(x => x.Resolved.Run.Row == o.Resolved.Run.Row) > 1
                        ? $"{o.Resolved.Run.Row} ({o.Resolved.Run.Label})"
                        : o.Resolved.Run.Row,
                    column, Path.Combine(FindRunDirectory(mainDir, elsewhere, o.RunLabel), "metrics.csv")));
                var file = $"curves-{name}-{Reporting.LearningCurveFigures.Slug(column)}.png";
                if (Reporting.LearningCurveFigures.Write(sources, Path.Combine(mainDir, file), $"{table.Name}: ").Count > 0)
                    written.Add((name, column, file));
            }
        }
        return written;
    }

    static string Percent(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) : "—";

    /// <summary>The text of one cell: the mean over its finished runs (seeds), with k/n when some are missing.</summary>
    public static string Cell(IReadOnlyList<RunOutcome> runs)
    {
        var done = runs.Where(r => r.Status == RunOutcome.Finished).ToList();
        if (runs.Count == 0 || done.Count == 0) return "—";
        double? Mean(Func<RunOutcome, double?> f) => done.Select(f).Any(v => v is null) ? null : done.Average(r => f(r)!.Value);
        var text = $"{Percent(Mean(r => r.Standard))} / {(done.Any(r => r.Estimated) ? "~" : "")}{Percent(Mean(r => r.Certified))}";
        return done.Count < runs.Count ? $"{text} ({done.Count}/{runs.Count})" : text;
    }

    static string Markdown(GridDefinition grid, GridProfile profile, string mainDir, IReadOnlyList<string> tables,
        IReadOnlyList<RunOutcome> outcomes, IReadOnlyList<ParadoxVerdict> verdicts, IReadOnlyList<MethodVerdict> methods,
        IReadOnlyList<(string Table, string Column, string File)> curves)
    {
        var md = new StringBuilder();
        md.AppendLine($"# Reproduction of \"On the Paradox of Certified Training\": profile `{profile.Name}`");
        md.AppendLine();
        md.AppendLine($"Grid `{grid.Path}`, runs in `{Path.GetFullPath(mainDir)}`, written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        if (profile.Description.Length > 0) md.AppendLine($"Profile `{profile.Name}`: {profile.Description}");
        md.AppendLine();
        md.AppendLine("Cells are `standard / certified` accuracy in percent on the run's test images, certified with the run's " +
                      "`--verify_domains`; `—` is a run that has not finished (see the list at the end); " +
                      "`~` marks estimates (Cauchy), not certificates.");
        var counts = outcomes.GroupBy(o => o.Status).Select(g => $"{g.Count()} {g.Key}");
        md.AppendLine($"Runs: {outcomes.Count} ({string.Join(", ", counts)}).");
        foreach (var name in tables)
        {
            var table = grid.Table(name);
            var mine = outcomes.Where(o => o.Resolved.Run.Table == name).ToList();
            var published = grid.Published.Where(p => p.Table == name).ToList();
            md.AppendLine();
            md.AppendLine($"## {table.Title}");
            md.AppendLine();
            if (table.Note.Length > 0) { md.AppendLine(table.Note); md.AppendLine(); }
            var header = new List<string> { "Relaxation" };
            foreach (var column in table.Columns)
            {
                header.Add(column);
                if (published.Any(p => p.Column == column)) header.Add($"{column} (paper)");
            }
            md.AppendLine("| " + string.Join(" | ", header) + " |");
            md.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
            foreach (var row in table.Rows)
            {
                var cells = new List<string> { row };
                foreach (var column in table.Columns)
                {
                    cells.Add(Cell(mine.Where(o => o.Resolved.Run.Row == row && o.Resolved.Run.Column == column).ToList()));
                    if (published.Any(p => p.Column == column))
                        cells.Add(published.FirstOrDefault(p => p.Row == row && p.Column == column) is { } p
                            ? $"{Percent(p.Standard)} / {Percent(p.Certified)}" : "—");
                }
                md.AppendLine("| " + string.Join(" | ", cells) + " |");
            }
            foreach (var source in published.Select(p => p.Source).Distinct())
                md.AppendLine().AppendLine($"Paper numbers: {source}.");
            if (table.Paradox is { } claim)
            {
                md.AppendLine();
                md.AppendLine($"Does the paradox ({claim.Loose} certifies more than {string.Join(", ", claim.Tighter)}) reproduce?");
                md.AppendLine();
                var mineVerdicts = verdicts.Where(v => v.Table == name).ToList();
                if (mineVerdicts.Count == 0) md.AppendLine("* no column has a finished run yet.");
                foreach (var v in mineVerdicts) md.AppendLine($"* {v.Sentence}");
            }
            if (table.Compare is { } compare)
            {
                md.AppendLine();
                md.AppendLine($"Which method certifies most, and does a method on a tight relaxation " +
                              $"({string.Join(", ", compare.Tight)}) certify more than {compare.BaselineRow} ({compare.BaselineTable})?");
                md.AppendLine();
                var mineMethods = methods.Where(v => v.Table == name).ToList();
                if (mineMethods.Count == 0) md.AppendLine("* no column has a finished run yet.");
                foreach (var v in mineMethods) md.AppendLine($"* {v.BestSentence}").AppendLine($"* {v.TightSentence}");
            }
            foreach (var (_, column, file) in curves.Where(c => c.Table == name))
                md.AppendLine().AppendLine($"![learning curves, {column}]({file})");
        }
        var open = outcomes.Where(o => o.Status != RunOutcome.Finished).ToList();
        if (open.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Runs without results");
            md.AppendLine();
            foreach (var o in open)
                md.AppendLine($"* `{o.RunLabel}` ({o.Resolved.Run.Table}, {o.Resolved.Run.Row} / {o.Resolved.Run.Column}): " +
                    $"{o.Status}{(o.Note is null ? "" : $": {o.Note}")}");
        }
        return md.ToString();
    }

    static JsonObject Json(GridDefinition grid, GridProfile profile, string mainDir, IReadOnlyList<RunOutcome> outcomes,
        IReadOnlyList<ParadoxVerdict> verdicts, IReadOnlyList<MethodVerdict> methods) => new()
        {
            ["grid"] = grid.Path,
            ["profile"] = profile.Name,
            ["main_dir"] = Path.GetFullPath(mainDir),
            ["written_at"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["paradox"] = new JsonArray([.. verdicts.Select(v => (JsonNode)new JsonObject
        {
            ["table"] = v.Table, ["column"] = v.Column, ["reproduces"] = v.Reproduces, ["sentence"] = v.Sentence,
        })]),
            ["methods"] = new JsonArray([.. methods.Select(v => (JsonNode)new JsonObject
        {
            ["table"] = v.Table, ["column"] = v.Column, ["best"] = v.Best,
            ["best_certified"] = v.BestCertified is { } b ? Math.Round(b, 4) : null,
            ["tight_beats_baseline"] = v.TightBeatsBaseline, ["best_sentence"] = v.BestSentence, ["tight_sentence"] = v.TightSentence,
        })]),
            ["runs"] = new JsonArray([.. outcomes.Select(o => (JsonNode)new JsonObject
        {
            ["label"] = o.Resolved.Run.Label,
            ["run_label"] = o.RunLabel,
            ["table"] = o.Resolved.Run.Table,
            ["row"] = o.Resolved.Run.Row,
            ["column"] = o.Resolved.Run.Column,
            ["profile"] = profile.Name,
            ["paper_label"] = o.Resolved.Run.PaperLabel,
            ["dataset"] = o.Resolved.Config?.Dataset,
            ["net"] = o.Resolved.Config?.Net,
            ["train_domain"] = o.Resolved.Config?.TrainDomain,
            ["verify_domain"] = o.Resolved.Config?.VerifyDomains.FirstOrDefault(),
            ["seed"] = o.Resolved.Config?.Seed,
            ["standard"] = o.Standard is { } s ? Math.Round(s, 4) : null,
            ["certified"] = o.Certified is { } c ? Math.Round(c, 4) : null,
            ["estimated"] = o.Estimated,
            ["seconds"] = o.Seconds is { } t ? Math.Round(t, 1) : null,
            ["estimated_seconds"] = o.Resolved.Estimate is { } e ? Math.Round(e.Seconds, 0) : null,
            ["status"] = o.Status,
            ["note"] = o.Note,
        })]),
        };

    static string Csv(IReadOnlyList<RunOutcome> outcomes)
    {
        static string Field(object? v)
        {
            var s = v switch
            {
                null => "",
                double d => d.ToString("0.####", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => v.ToString()!
            };
            return s.IndexOfAny([',', '"', '\n', '\r']) >= 0
                ? "\"" + s.Replace("\"", "\"\"").Replace('\n', ' ').Replace('\r', ' ') + "\""
                : s;
        }
        var csv = new StringBuilder("label,run_label,table,row,column,profile,dataset,net,train_domain,verify_domain,seed," +
            "standard,certified,estimated,seconds,status,note\n");
        foreach (var o in outcomes)
        {
            var c = o.Resolved.Config;
            var profile = o.RunLabel[(o.Resolved.Run.Label.Length + 1)..];
            csv.AppendLine(string.Join(",", new object?[]
            {
                o.Resolved.Run.Label, o.RunLabel, o.Resolved.Run.Table, o.Resolved.Run.Row, o.Resolved.Run.Column, profile,
                c?.Dataset, c?.Net, c?.TrainDomain, c?.VerifyDomains.FirstOrDefault(), c?.Seed,
                o.Standard is { } s ? Math.Round(s, 4) : null, o.Certified is { } x ? Math.Round(x, 4) : null,
                o.Estimated ? "true" : "false", o.Seconds is { } t ? Math.Round(t, 1) : null, o.Status, o.Note,
            }.Select(Field)));
        }
        return csv.ToString();
    }
}
