namespace Paradox.Training;

/// <summary>One run as runs.db records it. Times are UTC.</summary>
public sealed record RunRecord(
    string Label,
    string RunDir,
    string ConfigHash,
    string ConfigJson,
    RunStatus Status,
    int Pid,
    string Host,
    DateTime StartedAt,
    DateTime? EndedAt,
    int EpochsDone,
    string? ResultsJson,
    string? Error)
{
    /// <summary>The run's configuration, parsed from <see cref="ConfigJson"/>.</summary>
    public TrainConfig Config => TrainConfig.FromJson(ConfigJson, $"runs.db: configuration of run {Label}");

    /// <summary>From the first start to the end, or to <paramref name="now"/> while the run is going.</summary>
    public TimeSpan Duration(DateTime now) => (EndedAt ?? now) - StartedAt;
}
