using static TorchSharp.torch;

namespace Paradox.Training;

/// <summary>Running sums over an epoch; the certified loss only over the samples whose step computed it.</summary>
public readonly record struct EpochTotals(double LossSum, long Correct, long Certified, long Seen, double Seconds,
    double CertifiedLossSum = 0, long CertifiedSeen = 0)
{
    public static readonly EpochTotals Zero = new(0, 0, 0, 0, 0);
    public static EpochTotals operator +(EpochTotals a, EpochTotals b) =>
        new(a.LossSum + b.LossSum, a.Correct + b.Correct, a.Certified + b.Certified, a.Seen + b.Seen, a.Seconds + b.Seconds,
            a.CertifiedLossSum + b.CertifiedLossSum, a.CertifiedSeen + b.CertifiedSeen);
    /// <summary>Mean cross-entropy of the worst-case logits, or null when no step computed them (warm-up, natural training).</summary>
    public double? MeanCertifiedLoss => CertifiedSeen == 0 ? null : CertifiedLossSum / CertifiedSeen;
    /// <summary>The sums of one batch piece from its loss parts.</summary>
    public static EpochTotals Of(double lossSum, long correct, long certified, long size, Tensor? certifiedLoss) =>
        new(lossSum, correct, certified, size, 0, certifiedLoss is null ? 0 : certifiedLoss.item<float>() * size,
            certifiedLoss is null ? 0 : size);
    public double MeanLoss => Seen == 0 ? 0 : LossSum / Seen;
    public double Accuracy => Seen == 0 ? 0 : (double)Correct / Seen;
    public double CertifiedAccuracy => Seen == 0 ? 0 : (double)Certified / Seen;
}
