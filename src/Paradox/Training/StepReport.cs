namespace Paradox.Training;

/// <summary>What a progress display sees after each optimizer step (averages over the epoch so far).</summary>
public sealed record StepReport(int Epoch, int Batch, int BatchesPerEpoch, ScheduleValues Schedule, double Loss,
    double Accuracy, double CertifiedAccuracy);
