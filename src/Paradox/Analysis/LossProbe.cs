namespace Paradox.Analysis;

/// <summary>
/// Raw measurements of one loss around theta. <see cref="Slopes"/> and <see cref="Curvatures"/> hold one value
/// per (direction, scale) pair, direction-major: `abs(L(theta + s d) - L(theta)) / s` and
/// `abs(L(theta + s d) - 2 L(theta) + L(theta - s d)) / s^2`.
/// </summary>
public sealed record LossProbe(string Name, double Value, IReadOnlyList<double> Scales, double[] Slopes, double[] Curvatures,
    double GradientNorm)
{
    /// <summary>The slopes and curvatures taken at scale number <paramref name="scale"/>, one per direction.</summary>
    public (double[] Slopes, double[] Curvatures) AtScale(int scale) =>
        (Slopes.Where((_, i) => i % Scales.Count == scale).ToArray(), Curvatures.Where((_, i) => i % Scales.Count == scale).ToArray());
}
