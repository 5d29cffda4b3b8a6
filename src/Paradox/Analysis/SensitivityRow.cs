namespace Paradox.Analysis;

/// <summary>Perturbation and curvature medians at one scale over the directions, relative to the reference at that scale.</summary>
public sealed record ScaleMedians(double Scale, double Perturbation, double Curvature);

/// <summary>
/// One loss relative to the natural loss on the same network, batch and directions: the perturbation and
/// curvature samples divided by the natural loss's median, the ratio of the gradient norms, and the medians
/// scale by scale (a jump makes the perturbation grow like 1/s as s shrinks; a smooth loss keeps it constant).
/// </summary>
public sealed record SensitivityRow(string Name, double Loss, Spread Perturbation, Spread Curvature, double GradientNormRatio,
    IReadOnlyList<ScaleMedians> ByScale, LossProbe Raw);
