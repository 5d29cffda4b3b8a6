namespace Paradox.Analysis;

/// <summary>The median of a sample with its quartiles and range (linear interpolation between order statistics).</summary>
public sealed record Spread(double Median, double Q1, double Q3, double Min, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(values));
        return new Spread(Quantile(sorted, 0.5), Quantile(sorted, 0.25), Quantile(sorted, 0.75), sorted[0], sorted[^1]);
    }

    public static double MedianOf(IEnumerable<double> values) => Of(values).Median;

    static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    public Spread Scaled(double factor) => new(Median * factor, Q1 * factor, Q3 * factor, Min * factor, Max * factor);
}
