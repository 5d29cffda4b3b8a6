using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Paradox.Training;

/// <summary>
/// The index of the runs under one main directory: `&lt;main_dir&gt;/runs.db`, an SQLite database that several
/// training processes write at once (WAL mode and a busy timeout). The run directories hold the run's files;
/// this holds what `paradox runs` lists. Every failure is a <see cref="ParadoxException"/> naming runs.db.
/// </summary>
public sealed class RunStore : IDisposable
{
    public const string FileName = "runs.db";
    const int SchemaVersion = 1;
    const int BusyTimeoutSeconds = 30;
    const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    const string Schema = """
        CREATE TABLE IF NOT EXISTS runs (
            label        TEXT PRIMARY KEY,
            run_dir      TEXT NOT NULL,
            config_hash  TEXT NOT NULL,
            config_json  TEXT NOT NULL,
            status       TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
            pid          INTEGER NOT NULL,
            pid_start    TEXT,
            host         TEXT NOT NULL,
            started_at   TEXT NOT NULL,
            updated_at   TEXT NOT NULL,
            ended_at     TEXT,
            epochs_done  INTEGER NOT NULL DEFAULT 0,
            results_json TEXT,
            error        TEXT
        )
        """;

    const string Columns = "label, run_dir, config_hash, config_json, status, pid, host, started_at, ended_at, epochs_done, " +
        "results_json, error, pid_start, updated_at";

    /// <summary>A row with what <see cref="RunRecord"/> leaves out: the owner's start marker and its last sign of life.</summary>
    sealed record Row(RunRecord Record, string? PidStart, string UpdatedAt);

    static readonly string Host = Environment.MachineName;

    readonly SqliteConnection connection;
    // the trainer's Ctrl+C handler may mark a run killed while its epoch loop reports progress
    readonly Lock gate = new();
    SqliteTransaction? transaction;

    public string DatabasePath { get; }

    RunStore(string path)
    {
        DatabasePath = path;
        connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString());
    }

    public static string PathIn(string mainDir) => Path.Combine(mainDir, FileName);

    /// <summary>Opens `&lt;mainDir&gt;/runs.db`, creating the directory and the database on first use.</summary>
    public static RunStore Open(string mainDir)
    {
        var path = PathIn(mainDir);
        try { Directory.CreateDirectory(mainDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParadoxException($"{path}: cannot create the directory {mainDir} ({e.Message})", e);
        }
        var store = new RunStore(path);
        try
        {
            store.Guard(store.Initialise);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    void Initialise()
    {
        connection.Open();
        Execute($"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}");
        Execute("PRAGMA journal_mode = WAL");
        long version = Scalar<long>("PRAGMA user_version");
        if (version > SchemaVersion)
            throw new ParadoxException(
                $"{DatabasePath}: schema version {version} is newer than this paradox understands ({SchemaVersion})");
        if (version < SchemaVersion)
            InTransaction(() =>
            {
                // another process may have created the schema while this one waited for the lock
                if (Scalar<long>("PRAGMA user_version") >= SchemaVersion) return;
                Execute(Schema);
                Execute($"PRAGMA user_version = {SchemaVersion}");
            });
    }

    /// <summary>Records that this process starts (or resumes) the run <paramref name="label"/>.</summary>
    public void Begin(string label, string runDir, TrainConfig config) => Begin(label, runDir, config, Environment.ProcessId);

    /// <summary>Tests give the pid of a process that has exited, to see it reported as killed.</summary>
    internal void Begin(string label, string runDir, TrainConfig config, int pid) => Guard(() => InTransaction(() =>
    {
        if (ReadRow(label) is { Record: { Status: RunStatus.Running } owner } row && owner.Host == Host
            && ProcessLiveness.IsAlive(owner.Pid, row.PidStart))
            throw new ParadoxException($"run {label} is already running (pid {owner.Pid})");
        // a resumed run keeps its start time and epoch count and loses the outcome of its previous attempt
        Execute("""
            INSERT INTO runs (label, run_dir, config_hash, config_json, status, pid, pid_start, host, started_at, updated_at)
            VALUES ($label, $run_dir, $config_hash, $config_json, $status, $pid, $pid_start, $host, $now, $now)
            ON CONFLICT (label) DO UPDATE SET
                run_dir = excluded.run_dir, config_hash = excluded.config_hash, config_json = excluded.config_json,
                status = excluded.status, pid = excluded.pid, pid_start = excluded.pid_start, host = excluded.host,
                updated_at = excluded.updated_at, ended_at = NULL, results_json = NULL, error = NULL
            """,
            ("$label", label), ("$run_dir", Path.GetFullPath(runDir)), ("$config_hash", config.Hash()), ("$config_json", config.ToJson()),
            ("$status", RunStatus.Running.ToText()), ("$pid", pid), ("$pid_start", ProcessLiveness.StartMarker(pid)), ("$host", Host),
            ("$now", Now()));
    }));

    public void Progress(string label, int epochsDone)
    {
        if (epochsDone < 0) throw new ArgumentOutOfRangeException(nameof(epochsDone), epochsDone, "must be >= 0");
        Update(label, "epochs_done = $epochs_done, updated_at = $now", ("$epochs_done", epochsDone));
    }

    /// <summary>Marks the run finished with its final evaluation: the content of results.json (an object, or an array
    /// with one per eps).</summary>
    public void Finish(string label, string resultsJson)
    {
        bool valid;
        try { valid = JsonNode.Parse(resultsJson) is JsonObject or JsonArray; }
        catch (JsonException) { valid = false; }
        if (!valid) throw new ParadoxException($"results of run {label}: not a JSON object or array");
        Update(label, "status = $status, results_json = $results_json, ended_at = $now, updated_at = $now",
            ("$status", RunStatus.Finished.ToText()), ("$results_json", resultsJson));
    }

    public void Fail(string label, string message) =>
        Update(label, "status = $status, error = $error, ended_at = $now, updated_at = $now",
            ("$status", RunStatus.Failed.ToText()), ("$error", message));

    /// <summary>For a run stopped on purpose (Ctrl+C, SIGTERM); a run that dies unannounced is found by
    /// <see cref="List"/> and <see cref="Get"/>.</summary>
    public void MarkKilled(string label) =>
        Update(label, "status = $status, ended_at = $now, updated_at = $now", ("$status", RunStatus.Killed.ToText()));

    /// <summary>The runs that match, oldest first (runs begun in the same millisecond in the order they were recorded).</summary>
    public IReadOnlyList<RunRecord> List(RunFilter filter)
    {
        var matches = filter.Compile();
        return Guard(() => ReadRows($"SELECT {Columns} FROM runs ORDER BY started_at, rowid").Select(Reconcile).Where(matches).ToList());
    }

    public RunRecord? Get(string label) => Guard(() => ReadRow(label) is { } row ? Reconcile(row) : null);

    public void Dispose()
    {
        lock (gate) connection.Dispose();
    }

    /// <summary>
    /// A row left `running` by a process of this host that no longer exists is a run that was killed (SIGKILL, out of
    /// memory, power loss): say so, and write it down, ending it at its last sign of life.
    /// </summary>
    RunRecord Reconcile(Row row)
    {
        var run = row.Record;
        if (run.Status != RunStatus.Running || run.Host != Host || ProcessLiveness.IsAlive(run.Pid, row.PidStart)) return run;
        // only if nothing (a resume, say) has touched the row since it was read
        Execute("UPDATE runs SET status = $killed, ended_at = updated_at " +
            "WHERE label = $label AND status = $running AND pid = $pid AND updated_at = $updated_at",
            ("$killed", RunStatus.Killed.ToText()), ("$running", RunStatus.Running.ToText()), ("$label", run.Label), ("$pid", run.Pid),
            ("$updated_at", row.UpdatedAt));
        return run with { Status = RunStatus.Killed, EndedAt = ParseTime(row.UpdatedAt) };
    }

    /// <summary>Sets <paramref name="assignments"/> on the run's row; `$now` is the current time.</summary>
    void Update(string label, string assignments, params (string Name, object? Value)[] parameters) => Guard(() =>
    {
        int changed = Execute($"UPDATE runs SET {assignments} WHERE label = $label", [("$label", label), ("$now", Now()), .. parameters]);
        if (changed == 0) throw new ParadoxException($"run {label} is not in {DatabasePath}");
    });

    Row? ReadRow(string label) => ReadRows($"SELECT {Columns} FROM runs WHERE label = $label", ("$label", label)).SingleOrDefault();

    List<Row> ReadRows(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var record = new RunRecord(
                Label: reader.GetString(0), RunDir: reader.GetString(1), ConfigHash: reader.GetString(2), ConfigJson: reader.GetString(3),
                Status: RunStatusText.Parse(reader.GetString(4), $"{DatabasePath}: status"),
                Pid: reader.GetInt32(5), Host: reader.GetString(6),
                StartedAt: ParseTime(reader.GetString(7)), EndedAt: Text(8) is { } ended ? ParseTime(ended) : null,
                EpochsDone: reader.GetInt32(9), ResultsJson: Text(10), Error: Text(11));
            rows.Add(new Row(record, Text(12), reader.GetString(13)));
        }
        return rows;
    }

    T Guard<T>(Func<T> work)
    {
        lock (gate)
        {
            try { return work(); }
            catch (SqliteException e) { throw new ParadoxException($"{DatabasePath}: {e.Message}", e); }
        }
    }

    void Guard(Action work) => Guard(() => { work(); return 0; });

    /// <summary>BEGIN IMMEDIATE: take the write lock before reading, so concurrent writers queue instead of failing to upgrade.</summary>
    void InTransaction(Action work)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        transaction = tx;
        try
        {
            work();
            tx.Commit();
        }
        finally
        {
            transaction = null;
        }
    }

    SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    T Scalar<T>(string sql)
    {
        using var command = Command(sql, []);
        return (T)command.ExecuteScalar()!;
    }

    static string Now() => DateTime.UtcNow.ToString(TimeFormat, CultureInfo.InvariantCulture);

    static DateTime ParseTime(string text) =>
        DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
