using System.CommandLine;
using System.Text.Json.Nodes;
using Paradox.Attacks;
using Paradox.Certification;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Reporting;
using Paradox.Training;
using Spectre.Console;
using TorchSharp;

namespace Paradox.Cli.Commands;

/// <summary>Runs `paradox train` / `paradox cert`: a new or resumed run, or `--mode eval` of a saved model.</summary>
public static class TrainRunner
{
    public static int Start(TrainConfig config) => Run(config, resumeDir: null);

    /// <summary>Continues the run in <paramref name="runDir"/> from its latest checkpoint; threads and device may change.</summary>
    public static int Resume(string runDir, int? threads, string device)
    {
        var (_, stored) = RunDirectory.Open(runDir);
        var config = stored with { Threads = threads ?? stored.Threads, Device = device };
        config.Validate();
        return Run(config, runDir);
    }

    static int Run(TrainConfig config, string? resumeDir)
    {
        RunDirectory dir;
        var device = TorchRuntime.Configure(config.Threads, config.Device, config.Seed);
        if (config.Mode == TrainMode.Eval) return Evaluate(config, device);

        var dataset = DatasetInfo.Parse(config.Dataset);
        dir = resumeDir is null ? RunDirectory.Create(config.MainDir, config) : new RunDirectory(resumeDir);
        var mainDir = Path.GetDirectoryName(dir.Path)!;
        using var store = RunStore.Open(mainDir);
        store.Begin(config.Label, dir.Path, config);
        try
        {
            using var trainSet = DatasetCatalog.Load(dataset, train: true, config.DataDir);
            using var trainer = new Trainer(config, trainSet, device);
            if (resumeDir is not null && dir.LatestCheckpoint() is { } checkpoint)
            {
                trainer.LoadCheckpoint(checkpoint);
                Console.WriteLine($"resuming {config.Label} from {Path.GetFileName(checkpoint)} (epoch {trainer.Position.Epoch}, batch {trainer.Position.Batch})");
            }
            dir.TruncateMetrics(trainer.Position.Epoch, config);
            bool interrupted = TrainEpochs(trainer, dir, store, config);
            if (interrupted)
            {
                trainer.SaveCheckpoint(dir.InterruptedCheckpoint);
                store.MarkKilled(config.Label);
                Console.Error.WriteLine($"interrupted: state saved to {dir.InterruptedCheckpoint}; continue with ./paradox train --resume {dir.Path}");
                return 130;
            }
            trainer.SaveCheckpoint(dir.FinalCheckpoint);
            var results = FinalEvaluation(trainer.Network, config);
            dir.WriteResults(results);
            store.Finish(config.Label, results.ToJsonString());
            return 0;
        }
        catch (Exception e)
        {
            store.Fail(config.Label, e.Message);
            throw;
        }
    }

    /// <summary>Trains until the last epoch; true when stopped by Ctrl-C.</summary>
    static bool TrainEpochs(Trainer trainer, RunDirectory dir, RunStore store, TrainConfig config)
    {
        bool stopRequested = false;
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stopRequested = true; };
        Console.CancelKeyPress += onCancel;
        try
        {
            while (trainer.Position.Epoch <= config.NEpochs)
            {
                int epoch = trainer.Position.Epoch;
                EpochMetrics? metrics = null;
                if (!ProgressBar.Enabled) metrics = trainer.RunEpoch(stop: () => stopRequested);
                else AnsiConsole.Progress().AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask($"epoch {epoch}/{config.NEpochs}", maxValue: trainer.BatchesPerEpoch);
                        task.Increment(trainer.Position.Batch);
                        metrics = trainer.RunEpoch(step =>
                        {
                            task.Description = Markup.Escape(
                                $"epoch {epoch}/{config.NEpochs} {step.Schedule.Describe()} " +
                                $"lr {step.Schedule.Lr:0.#####} loss {step.Loss:0.####} acc {step.Accuracy:0.###} cert {step.CertifiedAccuracy:0.###}");
                            task.Increment(1);
                        }, () => stopRequested);
                    });
                if (metrics is null) return true;
                dir.AppendMetrics(metrics);
                if (epoch % Math.Max(1, config.SaveEvery) == 0 || epoch == config.NEpochs)
                    trainer.SaveCheckpoint(dir.EpochCheckpoint(epoch));
                store.Progress(config.Label, epoch);
                Console.WriteLine($"epoch {epoch}/{config.NEpochs}: {metrics.Schedule.Describe()} " +
                    $"lr {metrics.Schedule.Lr:0.######} loss {metrics.Loss:0.####} train acc {metrics.TrainAccuracy:P2} train cert {metrics.TrainCertifiedAccuracy:P2} ({metrics.Seconds:0.0} s)");
                if (stopRequested) return true;
            }
            return false;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Standard, PGD and certified accuracy on the test set for every eps_test (eps_train if none).</summary>
    static JsonArray FinalEvaluation(Network network, TrainConfig config)
    {
        var epsList = config.EpsTest.Length > 0 ? config.EpsTest : config.EpsTrain is { } e ? [e] : [0.0];
        var domains = config.VerifyDomains.Length > 0 ? config.VerifyDomains : config.TrainDomain is { } d ? [d] : ["box"];
        using var test = DatasetCatalog.Load(network.Dataset, train: false, config.DataDir);
        using var data = config.VerifyMaxTests is { } max ? test.Take(max) : test.Take(test.Count);
        using var generator = new torch.Generator((ulong)config.Seed, network.Device);
        network.SetRequiresGrad(false);
        var relaxations = domains.Select(name => RelaxationCatalog.Create(name, config.RelaxationFlags(), generator, "--verify_domains")).ToList();
        var certifiers = Evaluator.Certifiers(network, relaxations, Specification.Parse(config.C));
        var results = new JsonArray();
        foreach (var eps in epsList)
        {
            var before = Evaluator.TimeoutCounts(relaxations);
            var r = ProgressBar.Run($"verify eps={eps}", data.Count, advance =>
                Evaluator.Run(network, data, eps, new PgdOptions(config.PgdSteps, config.PgdStepSize), config.BatchSize, certifiers, generator, advance));
            Evaluator.RecordTimeouts(r, relaxations, before);
            foreach (var rel in relaxations.Where(x => x.IsEstimate)) r.Estimates.Add(rel.Name);
            Tables.Print(r, network);
            results.Add(ResultJson.ToJson(r));
        }
        return results;
    }

    /// <summary>`--mode eval`: evaluates `--load_model` and writes results.json into the run directory.</summary>
    static int Evaluate(TrainConfig config, TorchSharp.torch.Device device)
    {
        var path = config.LoadModel ?? throw new ParadoxException("--mode eval needs --load_model");
        using var network = ModelFile.Load(path, new ModelFile.Hints(config.Net, DatasetInfo.Parse(config.Dataset), !config.Unnormalized), device);
        var results = FinalEvaluation(network, config);
        var dir = new RunDirectory(Path.Combine(config.MainDir, config.Label));
        Directory.CreateDirectory(dir.Path);
        dir.WriteResults(results);
        Console.WriteLine($"results written to {dir.ResultsFile}");
        return 0;
    }
}
