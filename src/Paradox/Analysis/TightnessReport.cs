namespace Paradox.Analysis;

/// <summary>
/// A tightness measurement: per relaxation the largest certified radius of every image (bisection on [0, eps_max]),
/// optionally the PGD radius (an empirical upper radius) and the exact (MILP) one. Tightness = 100 x the mean radius.
/// </summary>
public sealed record TightnessReport(string Model, string Net, int N, IReadOnlyList<TightnessRequest> Requests,
    IReadOnlyDictionary<string, float[]> Radii, IReadOnlyDictionary<string, double> Seconds, float[]? PgdRadii, ExactRadii? Exact,
    double EpsMax, double Tol, int Halvings)
{
    public static double Score(float[] radii) => 100 * radii.Average(r => (double)r);

    /// <summary>The upper radius the ratios divide by: the exact one when measured, else PGD's (null when neither).</summary>
    public float[]? Upper => Exact?.Radii ?? PgdRadii;

    /// <summary>mean r_R over its first images / mean upper radius over the same images; null when that mean is 0 (all
    /// misclassified).</summary>
    public static double? Ratio(float[] r, float[] upper)
    {
        double denominator = upper.Take(r.Length).Average(v => (double)v);
        return denominator > 0 ? r.Average(v => (double)v) / denominator : null;
    }
}
