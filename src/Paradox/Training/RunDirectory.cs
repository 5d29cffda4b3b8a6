using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Paradox.IO;
using Paradox.Training.Methods;

namespace Paradox.Training;

/// <summary>
/// The files of one run, `<main_dir>/<label>/`: config.json, metrics.csv, epoch-K.ckpt every save_every
/// epochs, progress.ckpt every save_minutes inside an epoch, interrupted.ckpt after Ctrl-C or SIGTERM, final.ckpt and
/// results.json. Every write is atomic.
/// </summary>
public sealed class RunDirectory(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);
    public string ConfigFile => System.IO.Path.Combine(Path, "config.json");
    public string MetricsFile => System.IO.Path.Combine(Path, "metrics.csv");
    public string ResultsFile => System.IO.Path.Combine(Path, "results.json");
    public string FinalCheckpoint => System.IO.Path.Combine(Path, "final.ckpt");
    public string InterruptedCheckpoint => System.IO.Path.Combine(Path, "interrupted.ckpt");
    public string ProgressCheckpoint => System.IO.Path.Combine(Path, "progress.ckpt");
    public string EpochCheckpoint(int epoch) => System.IO.Path.Combine(Path, $"epoch-{epoch}.ckpt");
    public string LockFile => System.IO.Path.Combine(Path, ".lock");

    /// <summary>
    /// Holds the run for one training process until disposed: an exclusive lock on `.lock` (an advisory flock on Unix,
    /// released by the OS if the process dies), so that a second `train --resume` or `reproduce` of the same run stops
    /// at once instead of interleaving its checkpoints and metrics with the first.
    /// </summary>
    public IDisposable Lock()
    {
        try { return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new ParadoxException($"run directory {Path} is being trained by another process; wait for it or stop it first");
        }
    }

    /// <summary>
    /// metrics.csv's header: epoch, the method's schedule coefficients (eps,kappa,beta for provable training), lr, the epoch's
    /// averages, and last the certified loss (empty where no step computed it).
    /// </summary>
    public static string MetricsHeader(IEnumerable<string> coefficients) =>
        string.Join(",", [.. HeaderWithoutCertifiedLoss(coefficients), CertifiedLossColumn]);

    const string CertifiedLossColumn = "train_certified_loss";

    // runs begun before train_certified_loss was recorded; resuming one pads its rows with an empty value
    static string[] HeaderWithoutCertifiedLoss(IEnumerable<string> coefficients) =>
        ["epoch", .. coefficients, "lr", "loss", "train_accuracy", "train_certified_accuracy", "seconds"];

    public static string MetricsHeader(TrainConfig config) => MetricsHeader(TrainingMethodCatalog.Coefficients(config).Select(c => c.Name));

    /// <summary>The directory of a new run, checked before any work: an existing run is never overwritten, the place
    /// must be writable.</summary>
    public static RunDirectory CheckNew(string mainDir, TrainConfig config)
    {
        var dir = new RunDirectory(System.IO.Path.Combine(mainDir, config.Label));
        if (File.Exists(dir.ConfigFile))
            throw new ParadoxException($"--label {config.Label}: run directory {dir.Path} already holds a run; " +
                $"resume it with --resume {dir.Path} or choose another --label");
        OutputCheck.Directory(dir.Path, "--main_dir");
        return dir;
    }

    /// <summary>Creates the directory for a new run; an existing run is never overwritten.</summary>
    public static RunDirectory Create(string mainDir, TrainConfig config)
    {
        var dir = CheckNew(mainDir, config);
        try { Directory.CreateDirectory(dir.Path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParadoxException($"--main_dir: cannot create {dir.Path} ({e.Message})", e);
        }
        AtomicFile.WriteText(dir.ConfigFile, config.ToJson() + "\n");
        AtomicFile.WriteText(dir.MetricsFile, MetricsHeader(config) + "\n");
        return dir;
    }

    /// <summary>Opens an existing run for --resume.</summary>
    public static (RunDirectory Dir, TrainConfig Config) Open(string path)
    {
        var dir = new RunDirectory(path);
        if (!File.Exists(dir.ConfigFile))
            throw new ParadoxException($"--resume: {dir.Path} is not a run directory (no config.json)");
        return (dir, TrainConfig.FromJson(File.ReadAllText(dir.ConfigFile), dir.ConfigFile));
    }

    /// <summary>The most advanced training checkpoint (by optimizer step), or null.</summary>
    public string? LatestCheckpoint()
    {
        var candidates = Directory.EnumerateFiles(Path, "epoch-*.ckpt").Append(InterruptedCheckpoint).Append(ProgressCheckpoint)
            .Where(File.Exists);
        return candidates
            .Select(f => (File: f, Step: StepOf(f)))
            .OrderByDescending(c => c.Step)
            .Select(c => c.File)
            .FirstOrDefault();
    }

    static long StepOf(string checkpoint)
    {
        var (meta, tensors) = TensorFile.Read(checkpoint);
        foreach (var t in tensors.Values) t.Dispose();
        return (long?)meta["position"]?["step"] ?? -1;
    }

    public void AppendMetrics(EpochMetrics m)
    {
        object?[] values = [m.Epoch, .. m.Schedule.Coefficients.Select(c => (object)c.Value), m.Schedule.Lr, m.Loss, m.TrainAccuracy,
            m.TrainCertifiedAccuracy, Math.Round(m.Seconds, 3), m.CertifiedLoss];
        var line = string.Join(",", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""));
        var coefficients = m.Schedule.Coefficients.Select(c => c.Key).ToList();
        var header = MetricsHeader(coefficients);
        var existing = File.Exists(MetricsFile) ? File.ReadAllText(MetricsFile) : header + "\n";
        var oldHeader = string.Join(",", HeaderWithoutCertifiedLoss(coefficients));
        if (existing.StartsWith(oldHeader + "\n", StringComparison.Ordinal))
            existing = string.Concat(existing.Split('\n').Select((row, i) => i == 0 ? header + "\n" : row.Length > 0 ? row + ",\n" : ""));
        AtomicFile.WriteText(MetricsFile, existing + line + "\n");
    }

    /// <summary>Drops metric rows of epochs at or after <paramref name="epoch"/> (they will be trained again on resume).</summary>
    public void TruncateMetrics(int epoch, TrainConfig config)
    {
        if (!File.Exists(MetricsFile)) { AtomicFile.WriteText(MetricsFile, MetricsHeader(config) + "\n"); return; }
        var kept = File.ReadAllLines(MetricsFile)
            .Where((line, i) => i == 0 || int.Parse(line.Split(',')[0], CultureInfo.InvariantCulture) < epoch);
        AtomicFile.WriteText(MetricsFile, string.Join("\n", kept) + "\n");
    }

    public void WriteResults(JsonNode results) => Reporting.ResultJson.Write(ResultsFile, results);
}
