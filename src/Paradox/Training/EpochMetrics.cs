namespace Paradox.Training;

/// <summary>One row of metrics.csv: the schedule at the epoch's last step and the epoch's averages.</summary>
/// <remarks>CertifiedLoss: the epoch's mean certified cross-entropy (null when no step computed one: warm-up, natural training).</remarks>
public sealed record EpochMetrics(int Epoch, ScheduleValues Schedule, double Loss, double TrainAccuracy, double TrainCertifiedAccuracy,
    double Seconds, double? CertifiedLoss = null);
