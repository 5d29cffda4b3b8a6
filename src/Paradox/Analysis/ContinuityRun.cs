namespace Paradox.Analysis;

/// <summary>What an empirical continuity run was done on, for the table title and the JSON.</summary>
public sealed record ContinuityRun(string Net, string Dataset, string Model, int N, double Eps, int Directions,
    ContinuitySettings Settings, long Seed);
