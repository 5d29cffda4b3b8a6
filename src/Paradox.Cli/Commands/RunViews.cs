using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paradox.Training;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>How `paradox runs` shows runs: tables for people, JSON for scripts.</summary>
static class RunViews
{
    const string TimeFormat = "yyyy-MM-dd HH:mm";

    public static JsonObject ToJson(RunRecord run) => new()
    {
        ["label"] = run.Label,
        ["status"] = run.Status.ToText(),
        ["run_dir"] = run.RunDir,
        ["config_hash"] = run.ConfigHash,
        ["host"] = run.Host,
        ["pid"] = run.Pid,
        ["started_at"] = run.StartedAt.ToString("O", CultureInfo.InvariantCulture),
        ["ended_at"] = run.EndedAt?.ToString("O", CultureInfo.InvariantCulture),
        ["duration_seconds"] = Math.Round(run.Duration(DateTime.UtcNow).TotalSeconds, 3),
        ["epochs_done"] = run.EpochsDone,
        ["config"] = JsonNode.Parse(run.Config.ToJson()),
        ["results"] = ParseResults(run),
        ["error"] = run.Error,
    };

    public static void PrintList(IReadOnlyList<RunRecord> runs, string databasePath)
    {
        if (runs.Count == 0)
        {
            Console.WriteLine($"no matching runs in {databasePath}");
            return;
        }
        var now = DateTime.UtcNow;
        var results = runs.ToDictionary(r => r.Label, Entries);
        var domains = results.Values.SelectMany(entries => entries).SelectMany(e => Certified(e).Select(c => c.Key)).Distinct().ToList();
        var table = new Table().AddColumns("label", "status", "dataset", "net", "train domain")
            .AddColumns(Right("eps_train"), Right("epochs"), new TableColumn("started (UTC)"), Right("duration"))
            .AddColumns([.. domains.Select(d => Right(Markup.Escape($"cert {d}")))])
            .AddColumn("config hash");
        foreach (var run in runs)
        {
            var config = run.Config;
            var entries = results[run.Label];
            table.AddRow([
                Markup.Escape(run.Label), Status(run.Status), Markup.Escape(config.Dataset),
                Markup.Escape(config.Net), Markup.Escape(TrainDomain(config)),
                config.EpsTrain?.ToString(CultureInfo.InvariantCulture) ?? "", $"{run.EpochsDone}/{config.NEpochs}",
                run.StartedAt.ToString(TimeFormat, CultureInfo.InvariantCulture), Duration(run.Duration(now)),
                .. domains.Select(d => CertifiedCell(entries, d)),
                run.ConfigHash,
            ]);
        }
        AnsiConsole.Write(table);
    }

    public static void PrintRun(RunRecord run)
    {
        var config = run.Config;
        var summary = new Grid().AddColumn().AddColumn();
        void Line(string name, string value) => summary.AddRow(new Text(name), new Markup(value));
        Line("label", Markup.Escape(run.Label));
        Line("status", Status(run.Status) + (run.Error is { } error ? ": " + Markup.Escape(error) : ""));
        Line("run dir", Markup.Escape(run.RunDir));
        Line("process", Markup.Escape($"pid {run.Pid} on {run.Host}"));
        Line("started (UTC)", run.StartedAt.ToString(TimeFormat, CultureInfo.InvariantCulture));
        if (run.EndedAt is { } ended) Line("ended (UTC)", ended.ToString(TimeFormat, CultureInfo.InvariantCulture));
        Line("duration", Duration(run.Duration(DateTime.UtcNow)));
        Line("epochs", $"{run.EpochsDone}/{config.NEpochs}");
        Line("config hash", run.ConfigHash);
        AnsiConsole.Write(summary);

        var settings = new Table().Title("non-default settings").AddColumns("setting", "value");
        foreach (var (name, value) in NonDefaultSettings(config)) settings.AddRow(Markup.Escape(name), Markup.Escape(SettingText(value)));
        AnsiConsole.Write(settings);

        var entries = Entries(run);
        if (entries.Count == 0) Console.WriteLine(run.Status == RunStatus.Running ? "no results yet" : "no results");
        foreach (var entry in entries) AnsiConsole.Write(ResultTable(entry));
    }

    /// <summary>One table per eps of results.json, in the layout of `paradox certify`.</summary>
    static Table ResultTable(JsonObject entry)
    {
        var table = new Table().Title($"results: eps = {Number(entry["eps"])}, {Number(entry["n"])} test images")
            .AddColumn("measure").AddColumns(Right("accuracy"), Right("seconds"));
        var seconds = entry["seconds"] as JsonObject;
        void Row(string measure, JsonNode? accuracy, string? key = null) =>
            table.AddRow(Markup.Escape(measure), Percent(accuracy), key is null ? "" : Number(seconds?[key]));
        Row("standard", entry["standard_accuracy"]);
        if (entry.ContainsKey("pgd_accuracy")) Row("PGD", entry["pgd_accuracy"]);
        foreach (var (domain, accuracy) in Certified(entry)) Row($"certified [{domain}]", accuracy, domain);
        if (entry["estimated"] is JsonObject estimated)
            foreach (var (domain, accuracy) in estimated) Row($"estimate, not a certificate [{domain}]", accuracy, domain);
        return table;
    }

    /// <summary>The entries of results.json: the object itself, or the objects of the array (one per eps).</summary>
    static IReadOnlyList<JsonObject> Entries(RunRecord run) => ParseResults(run) switch
    {
        JsonObject single => [single],
        JsonArray many => [.. many.OfType<JsonObject>()],
        _ => [],
    };

    static JsonNode? ParseResults(RunRecord run)
    {
        if (run.ResultsJson is null) return null;
        try { return JsonNode.Parse(run.ResultsJson); }
        catch (JsonException e)
        {
            throw new ParadoxException($"runs.db: the results of run {run.Label} are not valid JSON ({e.Message})", e);
        }
    }

    static IEnumerable<KeyValuePair<string, JsonNode?>> Certified(JsonObject entry) =>
        entry["certified"] as JsonObject ?? [];

    /// <summary>The accuracy of one domain; with several eps, one line per eps.</summary>
    static string CertifiedCell(IReadOnlyList<JsonObject> entries, string domain)
    {
        var lines = entries.Where(e => Certified(e).Any(c => c.Key == domain))
            .Select(e => (entries.Count > 1 ? $"{Number(e["eps"])}: " : "") + Percent(e["certified"]![domain]));
        return string.Join("\n", lines);
    }

    static IEnumerable<(string Name, JsonNode? Value)> NonDefaultSettings(TrainConfig config)
    {
        var defaults = JsonNode.Parse(new TrainConfig().ToJson())!.AsObject();
        return JsonNode.Parse(config.ToJson())!.AsObject()
            .Where(setting => !JsonNode.DeepEquals(setting.Value, defaults[setting.Key]))
            .Select(setting => (setting.Key, setting.Value));
    }

    static string SettingText(JsonNode? value) => value switch
    {
        null => "none",
        JsonValue v when v.TryGetValue(out string? text) => text,
        _ => value.ToJsonString(),
    };

    /// <summary>The relaxation a provable run trains with; other modes by name.</summary>
    static string TrainDomain(TrainConfig config) =>
        config.Mode == TrainMode.TrainProvable
            ? config.TrainDomain ?? ""
            : JsonNamingPolicy.KebabCaseLower.ConvertName(config.Mode.ToString());

    static string Status(RunStatus status) => status switch
    {
        RunStatus.Running => "[blue]running[/]",
        RunStatus.Finished => "[green]finished[/]",
        RunStatus.Failed => "[red]failed[/]",
        _ => "[yellow]killed[/]",
    };

    static string Duration(TimeSpan t) =>
        t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours:00}h"
        : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:00}m"
        : $"{(int)t.TotalMinutes}m {t.Seconds:00}s";

    static string Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out double d) ? d.ToString(CultureInfo.InvariantCulture) : "?";

    static string Percent(JsonNode? fraction) => fraction is JsonValue v && v.TryGetValue(out double d) ? Tables.Percent(d) : "?";

    static TableColumn Right(string header) => new TableColumn(header).RightAligned();
}
