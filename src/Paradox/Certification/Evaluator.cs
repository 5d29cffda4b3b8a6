using System.Diagnostics;
using Paradox.Attacks;
using Paradox.Data;
using Paradox.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Certification;

/// <summary>Counts over a test set: natural accuracy, PGD accuracy and, per verification domain, certified accuracy.</summary>
public sealed class EvaluationResult
{
    public required int N { get; init; }
    public required double Eps { get; init; }
    public int Correct { get; set; }
    public int PgdRobust { get; set; }
    public double PgdSeconds { get; set; }
    public Dictionary<string, int> Certified { get; } = new();
    public Dictionary<string, double> Seconds { get; } = new();
    public bool PgdEvaluated { get; set; } = true;
    /// <summary>Domains whose counts are probabilistic estimates (Cauchy), not certificates.</summary>
    public HashSet<string> Estimates { get; } = new();
    /// <summary>Complete (MILP) domains: images that ran out of time undecided (counted as not certified).</summary>
    public Dictionary<string, int> TimedOut { get; } = new();
    /// <summary>The time limit per image of each complete (MILP) domain, seconds.</summary>
    public Dictionary<string, double> TimeLimits { get; } = new();

    public double StandardAccuracy => N == 0 ? 0 : (double)Correct / N;
    public double PgdAccuracy => N == 0 ? 0 : (double)PgdRobust / N;
    public double CertifiedAccuracy(string domain) => N == 0 ? 0 : (double)Certified[domain] / N;
}

/// <summary>
/// Runs a network over (the first N images of) a dataset in batches. Extra per-batch checks (the certifiers)
/// plug in as functions returning a boolean mask of certified samples.
/// </summary>
public static class Evaluator
{
    public delegate Tensor BatchCertifier(Tensor x, Tensor y, double eps);

    /// <summary>The timeout counters of the MILP domains among <paramref name="relaxations"/>, to pass to
    /// <see cref="RecordTimeouts"/> after a run.</summary>
    static Dictionary<string, int> TimeoutCounts(IEnumerable<Relaxations.Relaxation> relaxations) =>
        relaxations.Where(r => r.Engine is Verification.MilpEngine)
            .ToDictionary(r => r.Name, r => ((Verification.MilpEngine)r.Engine).TimeoutCount);

    /// <summary>Stores how many images each MILP domain left undecided since <paramref name="before"/>.</summary>
    static void RecordTimeouts(EvaluationResult result, IEnumerable<Relaxations.Relaxation> relaxations, Dictionary<string, int> before)
    {
        foreach (var r in relaxations)
            if (r.Engine is Verification.MilpEngine milp)
            {
                result.TimedOut[r.Name] = milp.TimeoutCount - before.GetValueOrDefault(r.Name);
                result.TimeLimits[r.Name] = milp.TimeLimitSeconds;
            }
    }

    /// <summary>Each relaxation as a certifier of the eps-ball around every sample (no gradients).</summary>
    public static List<(string Name, BatchCertifier Certify)> Certifiers(Network network, IEnumerable<Relaxations.Relaxation> relaxations,
        Relaxations.SpecKind spec = Relaxations.SpecKind.Diffs) =>
        relaxations.Select(r => (r.Name, (BatchCertifier)((x, y, eps) =>
        {
            using var _ = no_grad();
            using var region = Relaxations.InputRegion.Ball(x, eps);
            return r.Certify(network, region, y, spec);
        }))).ToList();

    /// <summary>
    /// Natural, PGD and certified accuracy with each relaxation; the result carries which domains are estimates
    /// (Cauchy) and, for complete (MILP) domains, the images left undecided and the time limit per image.
    /// </summary>
    public static EvaluationResult Run(Network network, LabeledImages data, double eps, PgdOptions? pgd, int batchSize,
        IReadOnlyList<Relaxations.Relaxation> relaxations, Relaxations.SpecKind spec = Relaxations.SpecKind.Diffs,
        Generator? generator = null, Action<int>? advance = null)
    {
        var before = TimeoutCounts(relaxations);
        var result = Run(network, data, eps, pgd, batchSize, Certifiers(network, relaxations, spec), generator, advance);
        RecordTimeouts(result, relaxations, before);
        foreach (var r in relaxations.Where(r => r.IsEstimate)) result.Estimates.Add(r.Name);
        return result;
    }

    /// <summary>The same with any per-batch certifiers (functions returning the mask of certified samples).</summary>
    public static EvaluationResult Run(Network network, LabeledImages data, double eps, PgdOptions? pgd, int batchSize,
        IReadOnlyList<(string Name, BatchCertifier Certify)>? certifiers = null, Generator? generator = null,
        Action<int>? advance = null)
    {
        Checks.Eps(eps);
        if (batchSize < 1) throw new ParadoxException($"--batch_size: must be >= 1 (got {batchSize})");
        certifiers ??= [];
        var result = new EvaluationResult { N = data.Count, Eps = eps, PgdEvaluated = pgd is not null };
        foreach (var (name, _) in certifiers) { result.Certified[name] = 0; result.Seconds[name] = 0; }
        // Between batches, as between training steps: native memory that only finalizers free would pile up over 10,000 images.
        var collector = StepCollector.Default();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            collector.CollectWhenDue();
            using var scope = NewDisposeScope();
            int count = Math.Min(batchSize, data.Count - start);
            var x = data.Images.narrow(0, start, count).to(network.Device);
            var y = data.Labels.narrow(0, start, count).to(network.Device);
            Tensor correct;
            using (no_grad())
                correct = network.Forward(x).argmax(1).eq(y);
            result.Correct += (int)correct.sum().item<long>();
            if (pgd is not null)
            {
                var watch = Stopwatch.StartNew();
                using var epsTensor = tensor(eps, device: x.device);
                using var attack = Pgd.Attack(network, x, y, epsTensor, pgd, generator);
                result.PgdRobust += (int)attack.Broken.logical_not().logical_and(correct).sum().item<long>();
                result.PgdSeconds += watch.Elapsed.TotalSeconds;
            }
            foreach (var (name, certify) in certifiers)
            {
                var watch = Stopwatch.StartNew();
                var certified = certify(x, y, eps).logical_and(correct);
                result.Certified[name] += (int)certified.sum().item<long>();
                result.Seconds[name] += watch.Elapsed.TotalSeconds;
            }
            advance?.Invoke(count);
        }
        return result;
    }
}
