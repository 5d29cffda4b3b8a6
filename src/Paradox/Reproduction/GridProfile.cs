using Paradox.Training;

namespace Paradox.Reproduction;

/// <summary>
/// One way to run the whole grid: changes applied to every run. `Flags` replace the same flags of each paper line
/// (before parsing); the epoch scale then shortens the schedule with every phase in proportion: n_epochs,
/// warmup_epochs, mix_epochs, lr_milestones given in epochs, and the period of the default x0.5 LR steps (which
/// the run stores as lr_step_epochs). Scaled epochs are rounded half away from zero (n_epochs at least 1, an
/// epoch milestone at least 1; milestones below 1 are already fractions of n_epochs and stay). `Tables` and
/// `Datasets` are what the profile runs unless the command line says otherwise (null: all).
/// </summary>
public sealed record GridProfile
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Multiply every epoch count by this (e.g. 0.1: 200 epochs become 20).</summary>
    public double? EpochScale { get; init; }
    /// <summary>Or: every run trains this many epochs, the other counts scaled by NEpochs / the run's n_epochs.</summary>
    public int? NEpochs { get; init; }
    public string[] Flags { get; init; } = [];
    public string[]? Tables { get; init; }
    public string[]? Datasets { get; init; }

    /// <summary>The epoch scale for a run of <paramref name="paperEpochs"/> epochs, or null when the profile keeps the schedule.</summary>
    public double? ScaleFor(int paperEpochs) =>
        NEpochs is { } n ? (paperEpochs > 0 ? n / (double)paperEpochs : null) : EpochScale;

    /// <summary>The configuration of a paper run (already parsed, flags of the profile included) under this profile.</summary>
    public TrainConfig Apply(TrainConfig config)
    {
        if (ScaleFor(config.NEpochs) is not { } s || s == 1) return config;
        int Scale(int epochs) => (int)Math.Round(epochs * s, MidpointRounding.AwayFromZero);
        var scaled = config with
        {
            NEpochs = NEpochs ?? Math.Max(1, Scale(config.NEpochs)),
            WarmupEpochs = Scale(config.WarmupEpochs),
            MixEpochs = Scale(config.MixEpochs),
            LrMilestones = config.LrMilestones
                ?.Select(m => m < 1 ? m : Math.Max(1, Math.Round(m * s, MidpointRounding.AwayFromZero))).ToArray(),
            LrStepEpochs = config.LrMilestones is { Length: > 0 } || config.IbpScheduling
                ? config.LrStepEpochs
                : Math.Max(1, Scale(config.LrStepEpochs ?? (config.Tenhalf ? 10 : 20))),
        };
        scaled.Validate();
        return scaled;
    }
}
