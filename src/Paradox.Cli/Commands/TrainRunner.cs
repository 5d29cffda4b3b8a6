using Paradox.Certification;
using Paradox.Networks;
using Paradox.Reporting;
using Paradox.Training;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>Runs `paradox train` / `paradox cert` through <see cref="TrainingRun"/>: progress, tables and exit codes only.</summary>
public static class TrainRunner
{
    public static int Start(TrainConfig config)
    {
        TrainingRun.Preflight(config);
        var device = TorchRuntime.Configure(config.Threads, config.Device, config.Seed);
        if (config.Mode == TrainMode.Eval)
        {
            var file = TrainingRun.Evaluate(config, device, new ConsoleObserver(config.Label));
            Console.WriteLine($"results written to {file}");
            return 0;
        }
        using var stopSignals = new StopSignals();
        return Report(TrainingRun.Start(config, device, new ConsoleObserver(config.Label), stopSignals.Token));
    }

    /// <summary>Continues the run in <paramref name="runDir"/> from its latest checkpoint; threads and device may change.</summary>
    public static int Resume(string runDir, int? threads, string device)
    {
        var config = TrainingRun.ResumedConfig(runDir, threads, device);
        TrainingRun.Preflight(config, runDir);
        var torchDevice = TorchRuntime.Configure(config.Threads, config.Device, config.Seed);
        using var stopSignals = new StopSignals();
        return Report(TrainingRun.Resume(runDir, config, torchDevice, new ConsoleObserver(config.Label), stopSignals.Token));
    }

    static int Report(TrainingRun.Outcome outcome)
    {
        if (!outcome.Interrupted) return 0;
        Console.Error.WriteLine($"interrupted: state saved to {outcome.InterruptedCheckpoint}; " +
            $"continue with ./paradox train --resume {outcome.RunDir}");
        return 130;
    }

    /// <summary>A progress bar per epoch on a terminal, one line per epoch, a table per evaluated radius.</summary>
    sealed class ConsoleObserver(string label) : ITrainingRunObserver
    {
        public void Resumed(string checkpoint, TrainingPosition position) =>
            Console.WriteLine($"resuming {label} from {Path.GetFileName(checkpoint)} (epoch {position.Epoch}, batch {position.Batch})");

        public EpochMetrics? Epoch(int epoch, int epochs, TrainingPosition start, int batchesPerEpoch,
            Func<Action<StepReport>?, EpochMetrics?> train)
        {
            if (!ProgressBar.Enabled) return train(null);
            EpochMetrics? metrics = null;
            AnsiConsole.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"epoch {epoch}/{epochs}", maxValue: batchesPerEpoch);
                    task.Increment(start.Batch);
                    metrics = train(step =>
                    {
                        task.Description = Markup.Escape($"epoch {epoch}/{epochs} {step.Schedule.Describe()} " +
                            $"lr {step.Schedule.Lr:0.#####} loss {step.Loss:0.####} " +
                            $"acc {step.Accuracy:0.###} cert {step.CertifiedAccuracy:0.###}");
                        task.Increment(1);
                    });
                });
            return metrics;
        }

        public void EpochDone(EpochMetrics m, int epochs) =>
            Console.WriteLine($"epoch {m.Epoch}/{epochs}: {m.Schedule.Describe()} lr {m.Schedule.Lr:0.######} loss {m.Loss:0.####} " +
                $"train acc {m.TrainAccuracy:P2} train cert {m.TrainCertifiedAccuracy:P2} ({m.Seconds:0.0} s)");

        public EvaluationResult Evaluate(double eps, int images, Func<Action<int>?, EvaluationResult> evaluate) =>
            ProgressBar.Run($"verify eps={eps}", images, advance => evaluate(advance));

        public void Evaluated(EvaluationResult result, Network network) => Tables.Print(result, network);
    }
}
