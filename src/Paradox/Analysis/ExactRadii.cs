namespace Paradox.Analysis;

/// <summary>The exact radii (MILP bisection), the number of MILP runs that timed out, the limit per image and eps, and
/// the seconds taken.</summary>
public sealed record ExactRadii(float[] Radii, int TimedOut, double TimeLimit, double Seconds);
