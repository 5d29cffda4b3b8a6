using System.Diagnostics;
using System.Text.Json.Nodes;
using Paradox.Data;
using Paradox.IO;
using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Training;

/// <summary>
/// One run of `paradox train`: the run directory and its runs.db row, the epoch loop with metrics.csv and a checkpoint
/// every `save_every` epochs (and every `save_minutes` inside one), a stop request honoured after the current step (state
/// saved to interrupted.ckpt),
/// final.ckpt and the final evaluation into results.json. Displays see it through an <see cref="ITrainingRunObserver"/>.
/// </summary>
public static class TrainingRun
{
    /// <summary>How a run ended: finished (with results.json's content) or stopped (with the checkpoint to resume from).</summary>
    public sealed record Outcome(string RunDir, JsonArray? Results, string? InterruptedCheckpoint)
    {
        public bool Interrupted => InterruptedCheckpoint is not null;
    }

    /// <summary>
    /// The cheap checks before any work (and before the runtime is configured): the run's place is writable and, for
    /// a new run, holds no run yet; `--mode eval` can write its results.
    /// </summary>
    public static void Preflight(TrainConfig config, string? resumeDir = null)
    {
        if (resumeDir is not null) OutputCheck.Directory(resumeDir, "--resume");
        else if (config.Mode == TrainMode.Eval) OutputCheck.Directory(Path.Combine(config.MainDir, config.Label), "--main_dir");
        else RunDirectory.CheckNew(config.MainDir, config);
    }

    /// <summary>A new run in `<main_dir>/<label>` (an existing run there is an error naming --label).</summary>
    public static Outcome Start(TrainConfig config, Device device, ITrainingRunObserver? observer = null,
        CancellationToken stop = default) =>
        Run(config, device, resumeDir: null, observer ?? new Silent(), stop);

    /// <summary>The stored configuration of <paramref name="runDir"/> with the new thread count and device, validated.</summary>
    public static TrainConfig ResumedConfig(string runDir, int? threads, string device)
    {
        var (_, stored) = RunDirectory.Open(runDir);
        var config = stored with { Threads = threads ?? stored.Threads, Device = device };
        config.Validate();
        return config;
    }

    /// <summary>Continues the run in <paramref name="runDir"/> (configured by <see cref="ResumedConfig"/>) from its
    /// latest checkpoint.</summary>
    public static Outcome Resume(string runDir, TrainConfig config, Device device, ITrainingRunObserver? observer = null,
        CancellationToken stop = default) =>
        Run(config, device, runDir, observer ?? new Silent(), stop);

    static Outcome Run(TrainConfig config, Device device, string? resumeDir, ITrainingRunObserver observer, CancellationToken stop)
    {
        if (config.Mode == TrainMode.Eval) throw new ParadoxException("--mode eval does not train (use TrainingRun.Evaluate)");
        Preflight(config, resumeDir);
        var dataset = DatasetInfo.Parse(config.Dataset);
        var dir = resumeDir is null ? RunDirectory.Create(config.MainDir, config) : new RunDirectory(resumeDir);
        using var runLock = dir.Lock();
        using var store = RunStore.Open(Path.GetDirectoryName(dir.Path)!);
        store.Begin(config.Label, dir.Path, config);
        try
        {
            using var trainSet = DatasetCatalog.Load(dataset, train: true, config.DataDir);
            using var trainer = new Trainer(config, trainSet, device);
            if (resumeDir is not null && dir.LatestCheckpoint() is { } checkpoint)
            {
                trainer.LoadCheckpoint(checkpoint);
                observer.Resumed(checkpoint, trainer.Position);
            }
            dir.TruncateMetrics(trainer.Position.Epoch, config);
            if (!TrainEpochs(trainer, dir, store, config, observer, stop))
            {
                trainer.SaveCheckpoint(dir.InterruptedCheckpoint);
                store.MarkKilled(config.Label);
                return new Outcome(dir.Path, null, dir.InterruptedCheckpoint);
            }
            trainer.SaveCheckpoint(dir.FinalCheckpoint);
            var results = FinalEvaluation.Run(trainer.Network, config, observer);
            dir.WriteResults(results);
            store.Finish(config.Label, results.ToJsonString());
            return new Outcome(dir.Path, results, null);
        }
        catch (Exception e)
        {
            store.Fail(config.Label, e.Message);
            throw;
        }
    }

    /// <summary>Trains until the last epoch; false when stopped.</summary>
    static bool TrainEpochs(Trainer trainer, RunDirectory dir, RunStore store, TrainConfig config, ITrainingRunObserver observer,
        CancellationToken stop)
    {
        var sinceSave = Stopwatch.StartNew();
        // mid-epoch only: the epoch's end writes epoch-K.ckpt (or continues to it when save_every skips it)
        void SaveProgressWhenDue(StepReport step)
        {
            if (config.SaveMinutes <= 0 || step.Batch >= step.BatchesPerEpoch || sinceSave.Elapsed.TotalMinutes < config.SaveMinutes)
                return;
            trainer.SaveCheckpoint(dir.ProgressCheckpoint);
            sinceSave.Restart();
        }
        while (trainer.Position.Epoch <= config.NEpochs)
        {
            int epoch = trainer.Position.Epoch;
            var metrics = observer.Epoch(epoch, config.NEpochs, trainer.Position, trainer.BatchesPerEpoch,
                onStep => trainer.RunEpoch(onStep + SaveProgressWhenDue, () => stop.IsCancellationRequested));
            if (metrics is null) return false;
            dir.AppendMetrics(metrics);
            if (epoch % Math.Max(1, config.SaveEvery) == 0 || epoch == config.NEpochs)
            {
                trainer.SaveCheckpoint(dir.EpochCheckpoint(epoch));
                File.Delete(dir.ProgressCheckpoint); // older than the epoch checkpoint now
                sinceSave.Restart();
            }
            store.Progress(config.Label, epoch);
            observer.EpochDone(metrics, config.NEpochs);
            if (stop.IsCancellationRequested) return false;
        }
        return true;
    }

    /// <summary>`--mode eval`: evaluates `--load_model` and writes results.json into `<main_dir>/<label>`; returns that file.</summary>
    public static string Evaluate(TrainConfig config, Device device, ITrainingRunObserver? observer = null)
    {
        var path = config.LoadModel ?? throw new ParadoxException("--load_model: --mode eval needs the model to evaluate");
        Preflight(config);
        using var network = ModelFile.Load(path,
            new ModelFile.Hints(config.Net, DatasetInfo.Parse(config.Dataset), !config.Unnormalized), device);
        var results = FinalEvaluation.Run(network, config, observer);
        var dir = new RunDirectory(Path.Combine(config.MainDir, config.Label));
        Directory.CreateDirectory(dir.Path);
        dir.WriteResults(results);
        return dir.ResultsFile;
    }

    sealed class Silent : ITrainingRunObserver;
}
