using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Paradox.Reproduction;

/// <summary>
/// A table of the study: its rows (relaxations as printed in the paper) and columns (dataset/net), the entries that
/// fill it, and optionally the paradox it tests (per column: does the loose row certify more than every tighter one).
/// </summary>
public sealed record GridTable(string Name, string Title, string Note, string[] Rows, string[] Columns, IReadOnlyList<GridEntry> Entries,
    ParadoxClaim? Paradox = null, MethodComparison? Compare = null);

/// <summary>The study's claim for a table: in each column the <paramref name="Loose"/> row certifies more than every
/// row of <paramref name="Tighter"/>.</summary>
public sealed record ParadoxClaim(string Loose, string[] Tighter);

/// <summary>
/// The question of a table of training methods, per column: which row certifies most, and does a row that trains a tight
/// relaxation (<paramref name="Tight"/>) certify more than the <paramref name="BaselineRow"/> of <paramref name="BaselineTable"/>?
/// </summary>
public sealed record MethodComparison(string BaselineTable, string BaselineRow, string[] Tight);

/// <summary>
/// One cell's run(s): the paper line labelled <paramref name="Run"/> in the flags file, extra flags replacing
/// the same flags of that line, and optionally several seeds (one run each, labelled `&lt;label&gt;-s&lt;seed&gt;`,
/// the cell shows their mean).
/// </summary>
public sealed record GridEntry(string Run, string Label, string Row, string Column, string[] Flags, long[]? Seeds);

/// <summary>A run of the grid: its label, the cell it fills, and its cert.py flags (the paper's line with the entry's changes).</summary>
public sealed record GridRun(string Label, string Table, string Row, string Column, string PaperLabel, string[] Tokens);

/// <summary>A number of the paper, in percent, for one cell (standard and/or certified accuracy), with where it was found.</summary>
public sealed record PublishedNumber(string Table, string Row, string Column, double? Standard, double? Certified, string Source);

/// <summary>
/// The reproduction grid (experiments/paper-grid.json): the paper's runs by label from a verbatim copy of its
/// scripts, the tables they fill, the profiles, the cost model for time estimates and the published numbers.
/// Loading checks everything that does not need the flag parser; each error is one line naming the file.
/// </summary>
public sealed class GridDefinition
{
    public required string Path { get; init; }
    public required string FlagsFile { get; init; }
    /// <summary>The paper's lines by their --label, tokens as written.</summary>
    public required IReadOnlyDictionary<string, string[]> PaperLines { get; init; }
    public required IReadOnlyList<GridTable> Tables { get; init; }
    public required IReadOnlyDictionary<string, GridProfile> Profiles { get; init; }
    public required CostModel Cost { get; init; }
    public required IReadOnlyList<PublishedNumber> Published { get; init; }

    public GridTable Table(string name, string flag = "--tables") =>
        Tables.FirstOrDefault(t => t.Name == name)
        ?? throw new ParadoxException(
            $"{flag}: unknown table '{name}' in {Path} (expected {string.Join(", ", Tables.Select(t => t.Name))})");

    public GridProfile Profile(string name, string flag = "--profile") =>
        Profiles.TryGetValue(name, out var p) ? p
        : throw new ParadoxException($"{flag}: unknown profile '{name}' in {Path} (expected {string.Join(", ", Profiles.Keys)})");

    /// <summary>Every run of the given tables, in grid order.</summary>
    public IEnumerable<GridRun> Runs(IEnumerable<string> tables)
    {
        foreach (var table in tables.Select(t => Table(t)))
            foreach (var entry in table.Entries)
            {
                var line = PaperLines[entry.Run];
                if (entry.Seeds is null)
                {
                    yield return new GridRun(entry.Label, table.Name, entry.Row, entry.Column, entry.Run,
                        Change(line, entry.Flags, entry.Label));
                    continue;
                }
                foreach (var seed in entry.Seeds)
                {
                    var label = $"{entry.Label}-s{seed}";
                    yield return new GridRun(label, table.Name, entry.Row, entry.Column, entry.Run,
                        Change(line, [.. entry.Flags, "--seed", seed.ToString(CultureInfo.InvariantCulture)], label));
                }
            }
    }

    string[] Change(string[] line, string[] flags, string label) =>
        FlagTokens.Merge(line, [.. flags, "--label", label], $"{Path}: run {label}");

    // ---------------------------------------------------------------- loading

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    sealed record FileDto(string? Description, string? FlagsFile, Dictionary<string, ProfileDto>? Profiles, List<TableDto>? Tables,
        CostDto? Cost, List<PublishedDto>? Published);
    sealed record ProfileDto(string? Description, double? EpochScale, int? NEpochs, string? Flags, string[]? Tables, string[]? Datasets);
    sealed record TableDto(string? Name, string? Title, string? Note, string[]? Rows, string[]? Columns, ParadoxDto? Paradox,
        CompareDto? Compare, List<EntryDto>? Runs);
    sealed record ParadoxDto(string? Loose, string[]? Tighter);
    sealed record CompareDto(string? BaselineTable, string? BaselineRow, string[]? Tight);
    sealed record EntryDto(string? Run, string? Label, string? Row, string? Column, string? Flags, long[]? Seeds);
    sealed record CostDto(string? Source, Dictionary<string, Dictionary<string, double>>? StepSeconds,
        Dictionary<string, string>? DomainFamilies, Dictionary<string, int>? TrainImages, Dictionary<string, int>? TestImages,
        double? VerifyFactor);
    sealed record PublishedDto(string? Table, string? Row, string? Column, double? Standard, double? Certified, string? Source);

    public static GridDefinition Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new ParadoxException($"--grid: {path} does not exist");
        FileDto dto;
        try { dto = JsonSerializer.Deserialize<FileDto>(File.ReadAllText(full), Json) ?? throw new JsonException("empty document"); }
        catch (JsonException e) { throw new ParadoxException($"{path}: not a valid grid file ({OneLine(e.Message)})", e); }
        catch (IOException e) { throw new ParadoxException($"{path}: cannot read ({e.Message})", e); }

        ParadoxException Bad(string message) => new($"{path}: {message}");
        var flagsFile = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, dto.FlagsFile ?? throw Bad("flags_file is missing"));
        var lines = ReadPaperLines(flagsFile, path);

        var tables = new List<GridTable>();
        var labels = new HashSet<string>();
        foreach (var t in dto.Tables ?? throw Bad("tables is missing"))
        {
            var name = t.Name ?? throw Bad("a table has no name");
            if (tables.Any(x => x.Name == name)) throw Bad($"table {name} is defined twice");
            var rows = t.Rows ?? throw Bad($"table {name} has no rows");
            var columns = t.Columns ?? throw Bad($"table {name} has no columns");
            var entries = new List<GridEntry>();
            foreach (var e in t.Runs ?? throw Bad($"table {name} has no runs"))
            {
                var run = e.Run ?? throw Bad($"table {name}: an entry has no run");
                if (!lines.ContainsKey(run))
                    throw Bad($"table {name}: run '{run}' is not a --label of {System.IO.Path.GetFileName(flagsFile)}");
                var label = e.Label ?? run;
                var row = e.Row ?? throw Bad($"table {name}, run {label}: no row");
                var column = e.Column ?? throw Bad($"table {name}, run {label}: no column");
                if (!rows.Contains(row)) throw Bad($"table {name}, run {label}: row '{row}' is not one of the table's rows");
                if (!columns.Contains(column)) throw Bad($"table {name}, run {label}: column '{column}' is not one of the table's columns");
                var expanded = e.Seeds is null ? [label] : e.Seeds.Select(s => $"{label}-s{s}").ToArray();
                foreach (var l in expanded)
                    if (!labels.Add(l)) throw Bad($"run label '{l}' is used twice");
                var entry = new GridEntry(run, label, row, column, FlagTokens.Split(e.Flags ?? ""), e.Seeds);
                FlagTokens.Groups(entry.Flags, $"{path}: table {name}, run {label}, flags");
                entries.Add(entry);
            }
            ParadoxClaim? claim = null;
            if (t.Paradox is { } p)
            {
                var loose = p.Loose ?? throw Bad($"table {name}: paradox.loose is missing");
                var tighter = p.Tighter is { Length: > 0 } x ? x : throw Bad($"table {name}: paradox.tighter is missing or empty");
                foreach (var row in tighter.Prepend(loose))
                    if (!rows.Contains(row)) throw Bad($"table {name}: paradox row '{row}' is not one of the table's rows");
                claim = new ParadoxClaim(loose, tighter);
            }
            MethodComparison? compare = null;
            if (t.Compare is { } c)
            {
                var tight = c.Tight ?? throw Bad($"table {name}: compare.tight is missing");
                foreach (var row in tight)
                    if (!rows.Contains(row)) throw Bad($"table {name}: compare row '{row}' is not one of the table's rows");
                compare = new MethodComparison(c.BaselineTable ?? throw Bad($"table {name}: compare.baseline_table is missing"),
                    c.BaselineRow ?? throw Bad($"table {name}: compare.baseline_row is missing"), tight);
            }
            tables.Add(new GridTable(name, t.Title ?? name, t.Note ?? "", rows, columns, entries, claim, compare));
        }

        foreach (var t in tables)
            if (t.Compare is { } c)
            {
                var baseline = tables.FirstOrDefault(b => b.Name == c.BaselineTable)
                    ?? throw Bad($"table {t.Name}: compare.baseline_table '{c.BaselineTable}' is not a table of the grid");
                if (!baseline.Rows.Contains(c.BaselineRow))
                    throw Bad($"table {t.Name}: compare.baseline_row '{c.BaselineRow}' is not a row of table {c.BaselineTable}");
            }

        var profiles = new Dictionary<string, GridProfile>();
        foreach (var (name, p) in dto.Profiles ?? throw Bad("profiles is missing"))
        {
            if (p.EpochScale is { } s && !(s > 0 && double.IsFinite(s))) throw Bad($"profile {name}: epoch_scale must be > 0 (got {s})");
            if (p.NEpochs is < 1) throw Bad($"profile {name}: n_epochs must be at least 1 (got {p.NEpochs})");
            if (p.EpochScale is not null && p.NEpochs is not null) throw Bad($"profile {name}: give epoch_scale or n_epochs, not both");
            foreach (var table in p.Tables ?? [])
                if (!tables.Any(t => t.Name == table)) throw Bad($"profile {name}: unknown table '{table}'");
            var flags = FlagTokens.Split(p.Flags ?? "");
            FlagTokens.Groups(flags, $"{path}: profile {name}, flags");
            profiles[name] = new GridProfile
            {
                Name = name, Description = p.Description ?? "", EpochScale = p.EpochScale, NEpochs = p.NEpochs,
                Flags = flags, Tables = p.Tables, Datasets = p.Datasets,
            };
        }

        var cost = dto.Cost ?? throw Bad("cost is missing");
        var published = (dto.Published ?? []).Select(p =>
        {
            var table = tables.FirstOrDefault(t => t.Name == p.Table) ?? throw Bad($"published: unknown table '{p.Table}'");
            if (!table.Rows.Contains(p.Row ?? "") || !table.Columns.Contains(p.Column ?? ""))
                throw Bad($"published: no cell '{p.Row}' / '{p.Column}' in table {p.Table}");
            return new PublishedNumber(table.Name, p.Row!, p.Column!, p.Standard, p.Certified,
                p.Source ?? throw Bad("published: a number has no source"));
        }).ToList();

        return new GridDefinition
        {
            Path = path,
            FlagsFile = flagsFile,
            PaperLines = lines,
            Tables = tables,
            Profiles = profiles,
            Cost = new CostModel(
                cost.Source ?? "",
                cost.StepSeconds ?? throw Bad("cost.step_seconds is missing"),
                cost.DomainFamilies ?? [],
                cost.TrainImages ?? throw Bad("cost.train_images is missing"),
                cost.TestImages ?? throw Bad("cost.test_images is missing"),
                cost.VerifyFactor ?? 0.5),
            Published = published,
        };
    }

    /// <summary>The lines of the paper's scripts by --label (blank lines and # comments skipped).</summary>
    static Dictionary<string, string[]> ReadPaperLines(string flagsFile, string gridPath)
    {
        if (!File.Exists(flagsFile)) throw new ParadoxException($"{gridPath}: flags_file {flagsFile} does not exist");
        var lines = new Dictionary<string, string[]>();
        int number = 0;
        foreach (var raw in File.ReadLines(flagsFile))
        {
            number++;
            var text = raw.Trim();
            if (text.Length == 0 || text.StartsWith('#')) continue;
            var tokens = FlagTokens.Split(text);
            var label = FlagTokens.Values(tokens, "--label", $"{flagsFile}:{number}") is [var l] ? l
                : throw new ParadoxException($"{flagsFile}:{number}: the line has no single --label");
            if (!lines.TryAdd(label, tokens)) throw new ParadoxException($"{flagsFile}:{number}: label {label} appears twice");
        }
        return lines;
    }

    static string OneLine(string message) => Regex.Replace(message, @"\s+", " ").Trim();
}
