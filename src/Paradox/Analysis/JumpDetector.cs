namespace Paradox.Analysis;

/// <summary>How hard <see cref="JumpDetector"/> looks for jumps along one line.</summary>
/// <param name="Refinements">Halvings of each bisected grid interval.</param>
/// <param name="Probes">Grid intervals per line bisected at random although they do not stand out: jumps much
/// smaller than the smooth change over one grid step (many tiny jumps) are only found this way.</param>
/// <param name="CandidateFactor">An interval stands out when its change departs from the smooth prediction by more
/// than this many times the median departure of the line.</param>
/// <param name="RelativeFloor">Changes below this fraction of the function's magnitude are rounding noise
/// (default: 32 float32 epsilons, since the losses are computed in float32).</param>
/// <param name="AbsoluteFloor">Changes below this are noise whatever the magnitude.</param>
/// <param name="MaxOutliers">At most this many standing-out intervals are bisected per line (largest first).</param>
public sealed record JumpSearchSettings(
    int Refinements = 16,
    int Probes = 2,
    double CandidateFactor = 10,
    double RelativeFloor = 32 * JumpSearchSettings.Float32Epsilon,
    double AbsoluteFloor = 1e-6,
    int MaxOutliers = 2)
{
    public const double Float32Epsilon = 1.1920929e-7;

    /// <summary>
    /// Halvings over which a jump's change must not shrink: a continuous function's change over an interval shrinks
    /// with the interval, 2^ConfirmLevels-fold here.
    /// </summary>
    public const int ConfirmLevels = 4;
}

/// <summary>A discontinuity: where (the final bisection interval's midpoint and width) and the size of the step.</summary>
public sealed record Jump(double T, double Width, double Size);

/// <summary>One searched line: the grid, the function on it, the jumps confirmed and how they were looked for.</summary>
public sealed record LineSearch(double[] T, double[] Values, IReadOnlyList<Jump> Jumps, int Outliers, int OutlierJumps,
    int Probes, int ProbeJumps, int Evaluations)
{
    public double Length => T[^1] - T[0];

    /// <summary>
    /// Expected number of jumps on the line, a lower bound: the confirmed outlier jumps plus, for the other grid
    /// intervals, the fraction of random probes that held a jump (each interval counted at most once).
    /// </summary>
    public double EstimatedJumps
    {
        get
        {
            int rest = T.Length - 1 - Outliers;
            return OutlierJumps + (Probes == 0 ? 0 : (double)ProbeJumps / Probes * rest);
        }
    }
}

/// <summary>
/// Finds discontinuities of a function of one variable: evaluate it on a grid, bisect the intervals whose change
/// departs from the smooth prediction (and a few random ones), and keep those whose change does not shrink with
/// the interval. A steep but continuous ramp shrinks once the interval is narrower than the ramp; a jump does not.
/// </summary>
public static class JumpDetector
{
    /// <summary>
    /// Searches <paramref name="f"/> on <paramref name="grid"/> (increasing, at least 2 points). One extra point beyond
    /// each end lets every interval's smooth change be predicted from neighbours on both sides.
    /// </summary>
    public static LineSearch Search(Func<double, double> f, double[] grid, JumpSearchSettings settings, Random random,
        Action? evaluated = null)
    {
        int evaluations = 0;
        double Evaluate(double t)
        {
            evaluations++;
            evaluated?.Invoke();
            return f(t);
        }
        var padded = grid.Prepend(2 * grid[0] - grid[1]).Append(2 * grid[^1] - grid[^2]).ToArray();
        var all = padded.Select(Evaluate).ToArray();
        var values = all[1..^1];
        var delta = Enumerable.Range(0, padded.Length - 1).Select(i => all[i + 1] - all[i]).ToArray();
        // Interval i of the grid is interval i + 1 of the padded grid.
        int intervals = grid.Length - 1;
        var predicted = Enumerable.Range(1, intervals).Select(i => (delta[i - 1] + delta[i + 1]) / 2).ToArray();
        var departure = Enumerable.Range(0, intervals).Select(i => Math.Abs(delta[i + 1] - predicted[i])).ToArray();
        var typical = Median(departure.Where(double.IsFinite));
        var outliers = Enumerable.Range(0, intervals)
            .Where(i => double.IsFinite(departure[i]) && departure[i] > settings.CandidateFactor * typical
                && departure[i] > Floor(values[i], values[i + 1], settings) && IsLocalMaximum(departure, i))
            .OrderByDescending(i => departure[i]).Take(settings.MaxOutliers).ToList();
        var probes = Enumerable.Range(0, intervals).Except(outliers).Where(i => double.IsFinite(departure[i]))
            .OrderBy(_ => random.Next()).Take(settings.Probes).ToList();

        Jump? Refine(int i) =>
            Bisect(Evaluate, grid[i], values[i], grid[i + 1], values[i + 1], predicted[i] / (grid[i + 1] - grid[i]), settings);
        var outlierJumps = outliers.Select(Refine).OfType<Jump>().ToList();
        var probeJumps = probes.Select(Refine).OfType<Jump>().ToList();
        var jumps = outlierJumps.Concat(probeJumps).OrderBy(j => j.T).ToList();
        return new LineSearch(grid, values, jumps, outliers.Count, outlierJumps.Count, probes.Count, probeJumps.Count, evaluations);
    }

    /// <summary>
    /// Bisects [a, b] towards the half whose change departs most from the smooth slope, <paramref name="settings"/>.Refinements
    /// times. The slope starts as the grid's prediction and is then re-measured on the half just discarded: it
    /// borders the interval, so its error shrinks with the interval (unless it held a jump itself, which is rare once
    /// intervals are short). A jump: the departure stays above the noise floor and does not halve over the last
    /// <see cref="JumpSearchSettings.ConfirmLevels"/> halvings (for a continuous function it shrinks with the interval).
    /// </summary>
    public static Jump? Bisect(Func<double, double> f, double a, double fa, double b, double fb, double slope, JumpSearchSettings settings)
    {
        if (settings.Refinements < JumpSearchSettings.ConfirmLevels)
            throw new ArgumentOutOfRangeException(nameof(settings), $"at least {JumpSearchSettings.ConfirmLevels} refinements are needed");
        var departures = new List<double> { Math.Abs(fb - fa - slope * (b - a)) };
        for (int level = 0; level < settings.Refinements; level++)
        {
            double m = (a + b) / 2, fm = f(m);
            double left = fm - fa - slope * (m - a), right = fb - fm - slope * (b - m);
            if (!double.IsFinite(left) || !double.IsFinite(right)) return null;
            departures.Add(Math.Max(Math.Abs(left), Math.Abs(right)));
            if (Math.Abs(left) >= Math.Abs(right))
            {
                slope = (fb - fm) / (b - m);
                (b, fb) = (m, fm);
            }
            else
            {
                slope = (fm - fa) / (m - a);
                (a, fa) = (m, fm);
            }
        }
        double last = departures[^1], before = departures[^(JumpSearchSettings.ConfirmLevels + 1)];
        bool jump = last > Floor(fa, fb, settings) && last >= 0.5 * before;
        return jump ? new Jump((a + b) / 2, b - a, last) : null;
    }

    static bool IsLocalMaximum(double[] x, int i) =>
        (i == 0 || !(x[i - 1] > x[i])) && (i == x.Length - 1 || !(x[i + 1] > x[i]));

    static double Floor(double fa, double fb, JumpSearchSettings s) =>
        Math.Max(s.AbsoluteFloor, s.RelativeFloor * Math.Max(Math.Abs(fa), Math.Abs(fb)));

    static double Median(IEnumerable<double> xs)
    {
        var sorted = xs.Order().ToArray();
        if (sorted.Length == 0) return 0;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
