namespace Paradox.Analysis;

/// <summary>Everything `paradox sensitivity` measured, with the settings that produced it.</summary>
public sealed record SensitivityReport(
    string Model, string Architecture, string Dataset, int Images, double Eps, int Directions, IReadOnlyList<double> Scales, long Seed,
    IReadOnlyList<SensitivityRow> Rows, IReadOnlyList<BoundDegree> Degrees, IReadOnlyList<GroupSeparation> Groups);
