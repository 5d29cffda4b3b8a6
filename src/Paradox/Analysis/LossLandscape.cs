using Paradox.Networks;

namespace Paradox.Analysis;

/// <summary>Losses along a line `theta + t d`: <see cref="Losses"/>[k][i] is loss k at <see cref="T"/>[i].</summary>
public sealed record LandscapeLine(double[] T, IReadOnlyList<string> Names, double[][] Losses);

/// <summary>Losses on a plane `theta + t1 d1 + t2 d2`: <see cref="Losses"/>[k][i, j] is loss k at (T1[i], T2[j]).</summary>
public sealed record LandscapePlane(double[] T1, double[] T2, IReadOnlyList<string> Names, double[][,] Losses);

/// <summary>
/// Evaluates losses along one line or on one plane through the weights theta, every loss on the same
/// directions, and restores theta afterwards.
/// </summary>
public static class LossLandscape
{
    /// <summary>`points` evenly spaced values in [-span, span]; with an odd count the middle one is exactly 0.</summary>
    public static double[] Grid(double span, int points)
    {
        if (!(span > 0) || double.IsInfinity(span)) throw new ParadoxException($"--span: must be a number > 0 (got {span})");
        if (points < 3) throw new ParadoxException($"--points: must be at least 3 (got {points})");
        return Enumerable.Range(0, points).Select(i => span * (2 * i - (points - 1)) / (points - 1)).ToArray();
    }

    /// <param name="advance">Called with 1 after each grid point (all losses evaluated there).</param>
    public static LandscapeLine Line(Network network, IReadOnlyList<NamedLoss> losses, ParameterDirection d, double[] t,
        Action<int>? advance = null)
    {
        var values = losses.Select(_ => new double[t.Length]).ToArray();
        using var space = new ParameterSpace(network);
        for (int i = 0; i < t.Length; i++)
        {
            space.Move((t[i], d));
            for (int k = 0; k < losses.Count; k++) values[k][i] = losses[k].Value(network);
            advance?.Invoke(1);
        }
        return new LandscapeLine(t, losses.Select(l => l.Name).ToList(), values);
    }

    /// <param name="advance">Called with 1 after each grid point (all losses evaluated there).</param>
    public static LandscapePlane Plane(Network network, IReadOnlyList<NamedLoss> losses, ParameterDirection d1, ParameterDirection d2,
        double[] t1, double[] t2, Action<int>? advance = null)
    {
        var values = losses.Select(_ => new double[t1.Length, t2.Length]).ToArray();
        using var space = new ParameterSpace(network);
        for (int i = 0; i < t1.Length; i++)
            for (int j = 0; j < t2.Length; j++)
            {
                space.Move((t1[i], d1), (t2[j], d2));
                for (int k = 0; k < losses.Count; k++) values[k][i, j] = losses[k].Value(network);
                advance?.Invoke(1);
            }
        return new LandscapePlane(t1, t2, losses.Select(l => l.Name).ToList(), values);
    }
}
