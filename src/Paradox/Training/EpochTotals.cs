namespace Paradox.Training;

/// <summary>Running sums over an epoch.</summary>
public readonly record struct EpochTotals(double LossSum, long Correct, long Certified, long Seen, double Seconds)
{
    public static readonly EpochTotals Zero = new(0, 0, 0, 0, 0);
    public static EpochTotals operator +(EpochTotals a, EpochTotals b) =>
        new(a.LossSum + b.LossSum, a.Correct + b.Correct, a.Certified + b.Certified, a.Seen + b.Seen, a.Seconds + b.Seconds);
    public double MeanLoss => Seen == 0 ? 0 : LossSum / Seen;
    public double Accuracy => Seen == 0 ? 0 : (double)Correct / Seen;
    public double CertifiedAccuracy => Seen == 0 ? 0 : (double)Certified / Seen;
}
