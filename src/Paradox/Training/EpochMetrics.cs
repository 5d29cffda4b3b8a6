namespace Paradox.Training;

/// <summary>One row of metrics.csv: the schedule at the epoch's last step and the epoch's averages.</summary>
public sealed record EpochMetrics(int Epoch, ScheduleValues Schedule, double Loss, double TrainAccuracy, double TrainCertifiedAccuracy, double Seconds);
