using System.Diagnostics;
using System.Text.Json.Nodes;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training;

/// <summary>One row of metrics.csv: the schedule at the epoch's last step and the epoch's averages.</summary>
public sealed record EpochMetrics(int Epoch, double Eps, double Kappa, double Beta, double Lr, double Loss,
    double TrainAccuracy, double TrainCertifiedAccuracy, double Seconds);

/// <summary>What a progress display sees after each optimizer step (averages over the epoch so far).</summary>
public sealed record StepReport(int Epoch, int Batch, int BatchesPerEpoch, ScheduleValues Schedule, double Loss,
    double Accuracy, double CertifiedAccuracy);

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
    readonly TrainingLoss loss;
    readonly Device device;

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
        schedule = new Schedule(config, loader.BatchesPerEpoch);
        var parameters = Network.Parameters();
        optimizer = config.Opt.ToLowerInvariant() switch
        {
            "adam" => (TorchSharp.Modules.OptimizerHelper)optim.Adam(parameters, config.Lr),
            "sgd" => optim.SGD(parameters, config.Lr, momentum: 0.9),
            _ => throw new ParadoxException($"--opt: unknown optimizer '{config.Opt}' (expected adam or sgd)"),
        };
        var relaxation = config.Mode == TrainMode.TrainProvable
            ? RelaxationCatalog.CreateTrainable(config.TrainDomain ?? throw new ParadoxException("--train_domain is required for --mode train-provable"),
                config.RelaxationFlags(), generator, "--train_domain")
            : null;
        loss = new TrainingLoss(config, relaxation, generator);
        if (config.Skip >= 0) Position = new TrainingPosition(config.Skip + 1, 0, (long)(config.Skip + 1) * loader.BatchesPerEpoch, EpochTotals.Zero);
    }

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
            onStep?.Invoke(new StepReport(epoch, batchIndex, loader.BatchesPerEpoch, values, totals.MeanLoss, totals.Accuracy, totals.CertifiedAccuracy));
            if (stop?.Invoke() == true && batchIndex < loader.BatchesPerEpoch) return null;
        }
        var done = Position.Totals;
        Position = new TrainingPosition(epoch + 1, 0, step, EpochTotals.Zero);
        return new EpochMetrics(epoch, values.Eps, values.Kappa, values.Beta, values.Lr, done.MeanLoss, done.Accuracy, done.CertifiedAccuracy, done.Seconds);
    }

    /// <summary>One optimizer step; the batch is split into `batch_pieces` whose gradients are accumulated.</summary>
    EpochTotals TrainStep(Tensor x, Tensor y, ScheduleValues values)
    {
        optimizer.zero_grad();
        long n = x.shape[0];
        int pieces = (int)Math.Min(Config.BatchPieces, n);
        long pieceSize = (n + pieces - 1) / pieces;
        var totals = EpochTotals.Zero;
        for (long start = 0; start < n; start += pieceSize)
        {
            long count = Math.Min(pieceSize, n - start);
            var parts = loss.Compute(Network, x.narrow(0, start, count), y.narrow(0, start, count), values);
            var pieceLoss = parts.Total * ((double)count / n);
            if (start == 0 && loss.Regularizer(Network) is { } reg) pieceLoss = pieceLoss + reg;
            pieceLoss.backward();
            using (no_grad())
            {
                var yp = y.narrow(0, start, count);
                long correct = parts.NaturalLogits.argmax(1).eq(yp).sum().item<long>();
                long certified = parts.WorstCaseLogits is null ? 0 : TrainingLoss.CertifiedOnBatch(parts.WorstCaseLogits, yp).sum().item<long>();
                totals += new EpochTotals(parts.Total.item<float>() * count, correct, certified, count, 0);
            }
        }
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
        ModelFile.Save(path, Network, meta, [("training.optimizer", optimizerBytes), ("training.generator", generatorState)]);
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same configuration.</summary>
    public void LoadCheckpoint(string path)
    {
        var (meta, tensors) = IO.TensorFile.Read(path);
        try
        {
            if ((string?)meta["kind"] != "training" || meta["position"] is not JsonObject position)
                throw new ParadoxException($"{path}: not a training checkpoint (no optimizer state)");
            if ((string?)meta["config_hash"] != Config.Hash())
                throw new ParadoxException($"{path}: checkpoint was written with a different configuration (hash {(string?)meta["config_hash"]}, this run {Config.Hash()})");
            Network.LoadStateDict(tensors.Where(kv => kv.Key.StartsWith("layers.", StringComparison.Ordinal)).ToDictionary(), path, restoreNormalization: true);
            var bytes = tensors["training.optimizer"].data<byte>().ToArray();
            using (var reader = new BinaryReader(new MemoryStream(bytes)))
                optimizer.load_state_dict(reader);
            generator.set_state(tensors["training.generator"]);
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
        Network.Dispose();
        generator.Dispose();
    }
}

/// <summary>Running sums over an epoch.</summary>
public readonly record struct EpochTotals(double LossSum, long Correct, long Certified, long Seen, double Seconds)
{
    public static readonly EpochTotals Zero = new(0, 0, 0, 0, 0);
    public static EpochTotals operator +(EpochTotals a, EpochTotals b) =>
        new(a.LossSum + b.LossSum, a.Correct + b.Correct, a.Certified + b.Certified, a.Seen + b.Seen, a.Seconds + b.Seconds);
    public double MeanLoss => Seen == 0 ? 0 : LossSum / Seen;
    public double Accuracy => Seen == 0 ? 0 : (double)Correct / Seen;
    public double CertifiedAccuracy => Seen == 0 ? 0 : (double)Certified / Seen;
}

/// <summary>The next batch to train: epoch (1-based), batch index within it, global optimizer step, and the epoch's sums so far.</summary>
public sealed record TrainingPosition(int Epoch, int Batch, long Step, EpochTotals Totals)
{
    public static readonly TrainingPosition Start = new(1, 0, 0, EpochTotals.Zero);

    public JsonObject ToJson() => new()
    {
        ["epoch"] = Epoch, ["batch"] = Batch, ["step"] = Step,
        ["loss_sum"] = Totals.LossSum, ["correct"] = Totals.Correct, ["certified"] = Totals.Certified,
        ["seen"] = Totals.Seen, ["seconds"] = Totals.Seconds,
    };

    public static TrainingPosition FromJson(JsonObject j) => new((int)j["epoch"]!, (int)j["batch"]!, (long)j["step"]!,
        new EpochTotals((double)j["loss_sum"]!, (long)j["correct"]!, (long)j["certified"]!, (long)j["seen"]!, (double)j["seconds"]!));
}
