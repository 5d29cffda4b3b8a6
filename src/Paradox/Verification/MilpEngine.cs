using System.Diagnostics;
using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Verification;

/// <summary>How the MILP of one sample ended.</summary>
public enum MilpStatus
{
    /// <summary>Every row needed was solved to optimality (or proven positive).</summary>
    Complete,
    /// <summary>A row's minimum is at most 0: <see cref="MilpSample.Counterexample"/> holds the solver's input.</summary>
    Violated,
    /// <summary>The time limit ran out before the sample was decided: it is not certified.</summary>
    TimedOut,
}

/// <summary>The MILP result of one sample: per-row lower bounds, the solver's minimisers and the outcome.</summary>
public sealed record MilpSample(double[] Lower, double[]?[] Minimizers, MilpStatus Status, double[]? Counterexample);

/// <summary>
/// Complete verification (`milp`): the network encoded exactly as a mixed-integer program (SCIP through OR-Tools),
/// one binary per crossing ReLU with big-M constants from the triangle LP's tightened pre-activation bounds
/// (see <see cref="LinearEncoding"/>). With early exit, a sample whose rows back-substitution (deeppoly) already
/// proves positive is certified without any program. Per sample the rows whose triangle lower bound is already positive are
/// skipped; the others are minimised in increasing order of that bound, and with
/// <paramref name="stopAtFirstViolation"/> the search stops at the first row whose minimum is at most 0 (its
/// minimiser is a counterexample). Rows not solved keep their triangle bound (sound). The time limit is per sample
/// (all its rows); a sample that runs out of time without a proof is not certified and is counted in
/// <see cref="TimeoutCount"/>. Upper bounds (`eye` specifications) are the triangle LP's. Small networks only:
/// more than <paramref name="maxReluNeurons"/> ReLU neurons is refused.
/// </summary>
public sealed class MilpEngine(double timeLimitSeconds = MilpEngine.DefaultTimeLimit, long maxReluNeurons = MilpEngine.DefaultMaxRelus,
    bool stopAtFirstViolation = true, string flagName = "--milp_max_relus") : IBoundEngine
{
    public const double DefaultTimeLimit = 60;
    public const long DefaultMaxRelus = 5000;
    int timeouts;

    public double TimeLimitSeconds => timeLimitSeconds;
    public long MaxReluNeurons => maxReluNeurons;
    /// <summary>Samples (one image at one eps) that ran out of time since this engine was made.</summary>
    public int TimeoutCount => Volatile.Read(ref timeouts);

    /// <summary>Refuses networks with more ReLU neurons than the limit (call it before anything slow).</summary>
    public void CheckSize(Network network)
    {
        long relus = network.ReluNeuronCount;
        if (relus > maxReluNeurons)
            throw new ParadoxException($"{flagName}: the network has {relus:N0} ReLU neurons; the complete MILP verifier is for " +
                $"small networks (limit {maxReluNeurons:N0}; raise it with --milp_max_relus)");
    }

    public BoundResult Bound(Network network, InputRegion region, FinalSpec spec, bool recordLayers)
    {
        var (problem, triangle, milp) = Solve(network, region, spec);
        var results = triangle.Select((t, b) => t with { Lower = milp[b].Lower }).ToArray();
        return problem.ToResult(results, recordLayers);
    }

    /// <summary>The triangle LP and the MILP of every sample (for callers that want the minimisers).</summary>
    internal (TriangleLpEngine.Problem Problem, SampleBounds[] Triangle, MilpSample[] Milp) Solve(Network network,
        InputRegion region, FinalSpec spec, CancellationToken cancel = default)
    {
        using var _ = no_grad();
        CheckSize(network);
        var problem = TriangleLpEngine.Problem.From(network, region, spec);
        problem.Cancel = cancel;
        var triangle = new SampleBounds[problem.Batch];
        var milp = new MilpSample[problem.Batch];
        Parallel.For(0, problem.Batch, TriangleLpEngine.Options(), b =>
        {
            var watch = Stopwatch.StartNew();
            if (stopAtFirstViolation && problem.PreFinalLower[b].All(v => v > 0))
            {
                // Back-substitution already proves every row: no LP or MILP needed (the bounds are deeppoly's).
                var pre = problem.PreFinalLower[b];
                triangle[b] = new SampleBounds(problem.PreLower.Select(l => l[b]).ToArray(), problem.PreUpper.Select(u => u[b]).ToArray(),
                    pre, problem.PreFinalUpper?[b]);
                milp[b] = new MilpSample(pre, new double[]?[problem.Rows], MilpStatus.Complete, null);
                return;
            }
            triangle[b] = TriangleLpEngine.Solve(problem, b);
            milp[b] = SolveSample(problem, b, triangle[b], watch);
            if (milp[b].Status == MilpStatus.TimedOut) Interlocked.Increment(ref timeouts);
        });
        return (problem, triangle, milp);
    }

    MilpSample SolveSample(TriangleLpEngine.Problem p, int b, SampleBounds triangle, Stopwatch watch)
    {
        var lower = (double[])triangle.Lower.Clone();
        var minimizers = new double[]?[p.Rows];
        var order = Enumerable.Range(0, p.Rows).OrderBy(r => triangle.Lower[r]).ToArray();
        if (stopAtFirstViolation && order.All(r => triangle.Lower[r] > 0))
            return new MilpSample(lower, minimizers, MilpStatus.Complete, null);
        using var encoding = TriangleLpEngine.Encode(p, b, exact: true, tighten: false, out _, out _,
            triangle.LayerLower, triangle.LayerUpper);
        var w = new double[p.Width];
        bool anyTimeout = false;
        foreach (int row in order)
        {
            if (stopAtFirstViolation && triangle.Lower[row] > 0) continue;
            double left = timeLimitSeconds - watch.Elapsed.TotalSeconds;
            if (left <= 0) return new MilpSample(lower, minimizers, MilpStatus.TimedOut, null);
            Array.Copy(p.SpecWeight[b], row * p.Width, w, 0, p.Width);
            var min = encoding.Minimize(w, p.SpecBias[b][row], left, stopBelowZero: stopAtFirstViolation);
            if (min.Proven) lower[row] = Math.Max(lower[row], min.Bound);
            minimizers[row] = min.Input;
            // A feasible point with a negative objective is a counterexample, whatever the bound says.
            bool violated = min.Input is not null && min.Value <= 0;
            if (violated && stopAtFirstViolation)
                return new MilpSample(lower, minimizers, MilpStatus.Violated, min.Input);
            if (min.TimedOut && !(lower[row] > 0))
                return new MilpSample(lower, minimizers, MilpStatus.TimedOut, null);
            // Without early exit every row must be exact: one stopped by the time limit makes the sample timed out.
            anyTimeout |= min.TimedOut && !stopAtFirstViolation;
        }
        return new MilpSample(lower, minimizers, anyTimeout ? MilpStatus.TimedOut : MilpStatus.Complete, null);
    }
}
