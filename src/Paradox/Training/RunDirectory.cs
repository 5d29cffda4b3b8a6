using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Paradox.IO;

namespace Paradox.Training;

/// <summary>
/// The files of one run, `<main_dir>/<label>/`: config.json, metrics.csv, epoch-K.ckpt every save_every
/// epochs, interrupted.ckpt after Ctrl-C, final.ckpt and results.json. Every write is atomic.
/// </summary>
public sealed class RunDirectory(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);
    public string ConfigFile => System.IO.Path.Combine(Path, "config.json");
    public string MetricsFile => System.IO.Path.Combine(Path, "metrics.csv");
    public string ResultsFile => System.IO.Path.Combine(Path, "results.json");
    public string FinalCheckpoint => System.IO.Path.Combine(Path, "final.ckpt");
    public string InterruptedCheckpoint => System.IO.Path.Combine(Path, "interrupted.ckpt");
    public string EpochCheckpoint(int epoch) => System.IO.Path.Combine(Path, $"epoch-{epoch}.ckpt");

    public const string MetricsHeader = "epoch,eps,kappa,beta,lr,loss,train_accuracy,train_certified_accuracy,seconds,train_certified_loss";
    // runs begun before train_certified_loss was recorded; resuming one pads its rows with an empty value
    const string OldMetricsHeader = "epoch,eps,kappa,beta,lr,loss,train_accuracy,train_certified_accuracy,seconds";

    /// <summary>Creates the directory for a new run; an existing run is never overwritten.</summary>
    public static RunDirectory Create(string mainDir, TrainConfig config)
    {
        var dir = new RunDirectory(System.IO.Path.Combine(mainDir, config.Label));
        if (File.Exists(dir.ConfigFile))
            throw new ParadoxException($"--label {config.Label}: run directory {dir.Path} already holds a run; resume it with --resume {dir.Path} or choose another --label");
        try { Directory.CreateDirectory(dir.Path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParadoxException($"--main_dir: cannot create {dir.Path} ({e.Message})", e);
        }
        AtomicFile.WriteText(dir.ConfigFile, config.ToJson() + "\n");
        AtomicFile.WriteText(dir.MetricsFile, MetricsHeader + "\n");
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
        var candidates = Directory.EnumerateFiles(Path, "epoch-*.ckpt").Append(InterruptedCheckpoint).Where(File.Exists);
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
        var line = string.Join(",", new object?[] { m.Epoch, m.Eps, m.Kappa, m.Beta, m.Lr, m.Loss, m.TrainAccuracy, m.TrainCertifiedAccuracy, Math.Round(m.Seconds, 3), m.CertifiedLoss }
            .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""));
        var existing = File.Exists(MetricsFile) ? File.ReadAllText(MetricsFile) : MetricsHeader + "\n";
        if (existing.StartsWith(OldMetricsHeader + "\n", StringComparison.Ordinal))
            existing = string.Concat(existing.Split('\n').Select((row, i) => i == 0 ? MetricsHeader + "\n" : row.Length > 0 ? row + ",\n" : ""));
        AtomicFile.WriteText(MetricsFile, existing + line + "\n");
    }

    /// <summary>Drops metric rows of epochs at or after <paramref name="epoch"/> (they will be trained again on resume).</summary>
    public void TruncateMetrics(int epoch)
    {
        if (!File.Exists(MetricsFile)) { AtomicFile.WriteText(MetricsFile, MetricsHeader + "\n"); return; }
        var kept = File.ReadAllLines(MetricsFile).Where((line, i) => i == 0 || int.Parse(line.Split(',')[0], CultureInfo.InvariantCulture) < epoch);
        AtomicFile.WriteText(MetricsFile, string.Join("\n", kept) + "\n");
    }

    public void WriteResults(JsonNode results) => Reporting.ResultJson.Write(ResultsFile, results);
}
