using Paradox.Training.Methods;

namespace Paradox.Training;

/// <summary>
/// The study's schedule, counted in optimizer steps: warm-up (`kappa = 1`, `eps = eps1`: natural training),
/// a linear ramp of eps (eps1 -> eps_train), kappa (kappa1 -> kappa2) and beta (beta1 -> beta2), then constant.
/// Learning rate: `lr_milestones` (x0.1 at each milestone epoch), `ibp_scheduling` (x0.1 at steps 15000 and
/// 25000, with a 2000-step warm-up and a 10000-step ramp), or by default x0.5 every 20 epochs after the
/// ramp (`tenhalf`: every 10; `lr_step_epochs`: every K). The ramped coefficients are the training method's
/// (<see cref="TrainingMethodCatalog.Coefficients"/>): an open set of names, not a fixed record.
/// </summary>
public sealed class Schedule
{
    readonly TrainConfig config;
    public int StepsPerEpoch { get; }
    public long WarmupSteps { get; }
    public long RampSteps { get; }
    public IReadOnlyList<ScheduleCoefficient> Coefficients { get; }

    public Schedule(TrainConfig config, int stepsPerEpoch) : this(config, stepsPerEpoch, TrainingMethodCatalog.Coefficients(config)) { }

    public Schedule(TrainConfig config, int stepsPerEpoch, IReadOnlyList<ScheduleCoefficient> coefficients)
    {
        if (stepsPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch));
        this.config = config;
        Coefficients = coefficients;
        StepsPerEpoch = stepsPerEpoch;
        WarmupSteps = config.IbpScheduling ? 2000 : (long)config.WarmupEpochs * stepsPerEpoch;
        RampSteps = config.IbpScheduling ? 10000 : (long)config.MixEpochs * stepsPerEpoch;
    }

    /// <summary>Fraction of the ramp completed at <paramref name="step"/> (0 during warm-up, 1 after the ramp).</summary>
    public double RampProgress(long step)
    {
        if (step < WarmupSteps) return 0;
        if (RampSteps == 0) return 1;
        return Math.Min(1.0, (double)(step - WarmupSteps) / RampSteps);
    }

    public ScheduleValues At(long step)
    {
        bool warmup = step < WarmupSteps;
        double t = RampProgress(step);
        var values = Coefficients.Select(c => new KeyValuePair<string, double>(c.Name, c.At(warmup, t))).ToArray();
        return new ScheduleValues(values, LearningRate(step), [.. Coefficients.Select(c => c.Format)]);
    }

    public double LearningRate(long step)
    {
        double lr = config.Lr;
        if (config.IbpScheduling)
            return lr * (step >= 15000 ? 0.1 : 1) * (step >= 25000 ? 0.1 : 1);
        int epoch = (int)(step / StepsPerEpoch);
        if (config.LrMilestones is { Length: > 0 } milestones)
        {
            foreach (var m in milestones)
                if (epoch >= MilestoneEpoch(m)) lr *= 0.1;
            return lr;
        }
        long rampEndEpoch = (WarmupSteps + RampSteps + StepsPerEpoch - 1) / StepsPerEpoch;
        int period = config.LrStepEpochs ?? (config.Tenhalf ? 10 : 20);
        if (epoch < rampEndEpoch) return lr;
        return lr * Math.Pow(0.5, (epoch - rampEndEpoch) / period);
    }

    /// <summary>A milestone below 1 is a fraction of the run's epochs.</summary>
    public int MilestoneEpoch(double milestone) =>
        milestone < 1 ? (int)Math.Round(milestone * config.NEpochs) : (int)milestone;
}
