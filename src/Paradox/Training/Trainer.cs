using System.Diagnostics;
using System.Text.Json.Nodes;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Training.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training;

/// <summary>
/// Trains a network with the study's procedure. Everything random (initialisation, data order, augmentation, PGD starts,
/// random slopes) flows from the seed, so a run with the same seed and thread count is bit-identical, and a
/// run resumed from a checkpoint continues exactly where it stopped.
/// </summary>
public sealed class Trainer : IDisposable
{
    public TrainConfig Config { get; }
    public Network Network { get; }
    readonly LabeledImages data;
    readonly BatchLoader loader;
    readonly Augmentation? augmentation;
    readonly Schedule schedule;
    readonly TorchSharp.Modules.OptimizerHelper optimizer;
    readonly Generator generator;
    readonly BatchPieces step;
    readonly Device device;
    readonly StepCollector collector = StepCollector.Default();

    /// <summary>Where training stands: the next batch to run.</summary>
    public TrainingPosition Position { get; private set; } = TrainingPosition.Start;

    public Trainer(TrainConfig config, LabeledImages trainSet, Device device)
    {
        TorchRuntime.RequireSoundKernels();
        Config = config;
        this.device = device;
        var dataset = DatasetInfo.Parse(config.Dataset);
        augmentation = config.DoTransform ? Augmentation.For(dataset, config.Seed) : null;
        generator = new Generator((ulong)config.Seed, device);
        var init = Architectures.ParseInit(config.InitMethod);
        Network = config.LoadModel is { } path
            ? ModelFile.Load(path, new ModelFile.Hints(config.Net, dataset, !config.Unnormalized), device)
            : Architectures.Build(config.Net, dataset, !config.Unnormalized, init, new Generator((ulong)config.Seed), device);
        Network.SetRequiresGrad(true);
        var head = config.NTrain is { } n ? trainSet.Take(n) : trainSet;
        data = config.Percent < 100 ? Subset.Stratified(head, config.Percent / 100.0, config.Seed) : head;
        loader = new BatchLoader(data, config.BatchSize, shuffle: true, seed: config.Seed);
        schedule = new Schedule(config, loader.BatchesPerEpoch, TrainingMethodCatalog.Coefficients(config));
        var parameters = Network.Parameters();
        optimizer = config.Optimizer() == "sgd"
            ? optim.SGD(parameters, config.Lr, momentum: 0.9)
            : optim.Adam(parameters, config.Lr);
        Method = TrainingMethodCatalog.Create(config, generator);
        step = new BatchPieces(Method, config.BatchPieces);
        if (config.Skip >= 0)
            Position = new TrainingPosition(config.Skip + 1, 0, (long)(config.Skip + 1) * loader.BatchesPerEpoch, EpochTotals.Zero);
    }

    /// <summary>The training method of the run's `--mode` (<see cref="TrainingMethodCatalog"/>).</summary>
    public ITrainingMethod Method { get; }

    public int BatchesPerEpoch => loader.BatchesPerEpoch;
    public Schedule Schedule => schedule;

    /// <summary>
    /// Runs one epoch from the current position. <paramref name="stop"/> is polled after every step; when it
    /// returns true the epoch is left unfinished and null is returned (the position says where to go on).
    /// </summary>
    public EpochMetrics? RunEpoch(Action<StepReport>? onStep = null, Func<bool>? stop = null)
    {
        int epoch = Position.Epoch;
        var totals = Position.Totals;
        long step = Position.Step;
        int batchIndex = 0;
        ScheduleValues values = schedule.At(step);
        foreach (var batch in loader.Epoch(epoch))
        {
            using var owned = batch;
            using var scope = NewDisposeScope();
            if (batchIndex++ < Position.Batch) continue;
            var watch = Stopwatch.StartNew();
            values = schedule.At(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = values.Lr;
            var (x, y) = (batch.X.to(device), batch.Y.to(device));
            // Drawn from (seed, epoch, batch) alone, so a resumed run augments exactly as an uninterrupted one.
            if (augmentation is not null) x = augmentation.Apply(x, epoch, batchIndex - 1);
            totals += TrainStep(x, y, values) with { Seconds = watch.Elapsed.TotalSeconds };
            step++;
            Position = new TrainingPosition(epoch, batchIndex, step, totals);
            onStep?.Invoke(new StepReport(epoch, batchIndex, loader.BatchesPerEpoch, values, totals.MeanLoss, totals.Accuracy,
                totals.CertifiedAccuracy));
            collector.CollectWhenDue();
            if (stop?.Invoke() == true && batchIndex < loader.BatchesPerEpoch) return null;
        }
        var done = Position.Totals;
        Position = new TrainingPosition(epoch + 1, 0, step, EpochTotals.Zero);
        return new EpochMetrics(epoch, values, done.MeanLoss, done.Accuracy, done.CertifiedAccuracy, done.Seconds, done.MeanCertifiedLoss);
    }

    /// <summary>One optimizer step; the batch is split into `batch_pieces` whose gradients are accumulated.</summary>
    EpochTotals TrainStep(Tensor x, Tensor y, ScheduleValues values)
    {
        optimizer.zero_grad();
        Func<Tensor?> regularizer = () => WeightRegularizer.Of(Config, Network);
        var totals = Method is IGradientMethod own
            ? own.Backward(Network, x, y, values, Config.BatchPieces, regularizer)
            : step.Backward(Network, x, y, values, regularizer);
        optimizer.step();
        return totals;
    }

    /// <summary>Writes weights, optimizer and generator state and the position, atomically.</summary>
    public void SaveCheckpoint(string path)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            optimizer.save_state_dict(writer);
        using var optimizerBytes = tensor(buffer.ToArray(), ScalarType.Byte);
        using var generatorState = generator.get_state();
        var meta = new JsonObject
        {
            ["kind"] = "training",
            ["config_hash"] = Config.Hash(),
            ["position"] = Position.ToJson(),
        };
        var methodState = Method is IStatefulMethod stateful
            ? stateful.StateTensors().Select(kv => ("method." + kv.Key, kv.Value)).ToList()
            : [];
        ModelFile.Save(path, Network, meta,
            [("training.optimizer", optimizerBytes), ("training.generator", generatorState), .. methodState]);
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same configuration.</summary>
    public void LoadCheckpoint(string path)
    {
        var (meta, tensors) = IO.TensorFile.Read(path);
        try
        {
            if ((string?)meta["kind"] != "training" || meta["position"] is not JsonObject position)
                throw new ParadoxException($"{path}: not a training checkpoint (no optimizer state)");
            if (!Config.HasHash((string?)meta["config_hash"]))
                throw new ParadoxException($"{path}: checkpoint was written with a different configuration " +
                    $"(hash {(string?)meta["config_hash"]}, this run {Config.Hash()})");
            Network.LoadStateDict(tensors.Where(kv => kv.Key.StartsWith("layers.", StringComparison.Ordinal)).ToDictionary(), path,
                restoreNormalization: true);
            var bytes = tensors["training.optimizer"].data<byte>().ToArray();
            using (var reader = new BinaryReader(new MemoryStream(bytes)))
                optimizer.load_state_dict(reader);
            generator.set_state(tensors["training.generator"]);
            if (Method is IStatefulMethod stateful)
                stateful.LoadState(tensors.Where(kv => kv.Key.StartsWith("method.", StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key["method.".Length..], kv => kv.Value), path);
            Position = TrainingPosition.FromJson(position);
        }
        catch (KeyNotFoundException e)
        {
            throw new ParadoxException($"{path}: incomplete training checkpoint ({e.Message})", e);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    public void Dispose()
    {
        optimizer.Dispose();
        (Method as IDisposable)?.Dispose();
        Network.Dispose();
        generator.Dispose();
    }
}
