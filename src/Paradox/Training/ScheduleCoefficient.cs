namespace Paradox.Training;

/// <summary>
/// One named coefficient of the schedule: <paramref name="Start"/> during warm-up (or <paramref name="DuringWarmup"/>
/// when given), then a linear ramp to <paramref name="End"/> over the ramp steps, then constant.
/// <paramref name="Format"/> is how the progress line prints it.
/// </summary>
public sealed record ScheduleCoefficient(string Name, double Start, double End, double? DuringWarmup = null, string Format = "0.###")
{
    public double At(bool warmup, double rampProgress) =>
        warmup && DuringWarmup is { } w ? w : Start + (End - Start) * rampProgress;

    /// <summary>The study's coefficients: eps (eps1 -> eps_train), kappa (1 in warm-up, kappa1 -> kappa2), beta (beta1 -> beta2).</summary>
    public static IReadOnlyList<ScheduleCoefficient> Study(TrainConfig c) =>
    [
        new("eps", c.Eps1, c.EpsTrain ?? 0, Format: "0.####"),
        new("kappa", c.Kappa1, c.Kappa2, DuringWarmup: 1),
        new("beta", c.Beta1, c.Beta2),
    ];
}
