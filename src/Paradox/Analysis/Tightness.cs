using System.Diagnostics;
using Paradox.Attacks;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Verification;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>Measures tightness (<see cref="TightnessReport"/>): the study's first property.</summary>
public static class Tightness
{
    /// <summary>Progress of one phase: its title and image count, wrapping the work that reports images done.</summary>
    public delegate float[] Phase(string title, int images, Func<Action<int>, float[]> work);

    /// <param name="n">The image count asked for (`--n`), recorded in the report; each request uses its own count.</param>
    public static TightnessReport Measure(string model, Network network, LabeledImages data, int n,
        IReadOnlyList<TightnessRequest> requests, double epsMax, double tol, int batchSize, PgdOptions? pgdRadius, MilpEngine? exact,
        Generator? generator, Phase? phase = null)
    {
        phase ??= (_, _, work) => work(_ => { });
        int steps = CertifiedRadius.Steps(epsMax, tol);
        int all = requests.Max(r => r.Count);
        var radii = new Dictionary<string, float[]>();
        var seconds = new Dictionary<string, double>();
        foreach (var (relaxation, count) in requests)
        {
            var watch = Stopwatch.StartNew();
            radii[relaxation.Name] = phase($"tightness {relaxation.Name}", count, advance =>
                Radii(data.Images, data.Labels, count, batchSize, advance,
                    (x, y) => CertifiedRadius.Bisect(network, relaxation, x, y, epsMax, steps)));
            seconds[relaxation.Name] = watch.Elapsed.TotalSeconds;
        }
        var attackGenerator = pgdRadius is null
            ? null
            : generator ?? throw new ArgumentException("the PGD radius needs a seeded generator");
        float[]? pgd = pgdRadius is null ? null : phase("PGD radius", all, advance =>
            Radii(data.Images, data.Labels, all, batchSize, advance,
                (x, y) => CertifiedRadius.PgdRadius(network, x, y, epsMax, steps, pgdRadius, attackGenerator!)));
        ExactRadii? exactRadii = null;
        if (exact is not null)
        {
            var verifier = new Relaxation("milp", "complete MILP verifier", exact, certificationOnly: true);
            var watch = Stopwatch.StartNew();
            var r = phase("exact radius (MILP)", all, advance =>
                Radii(data.Images, data.Labels, all, batchSize, advance,
                    (x, y) => CertifiedRadius.Bisect(network, verifier, x, y, epsMax, steps)));
            exactRadii = new ExactRadii(r, exact.TimeoutCount, exact.TimeLimitSeconds, watch.Elapsed.TotalSeconds);
        }
        return new TightnessReport(model, network.Architecture, n, requests, radii, seconds, pgd, exactRadii, epsMax, tol, steps);
    }

    static float[] Radii(Tensor images, Tensor labels, int count, int batchSize, Action<int> advance, Func<Tensor, Tensor, Tensor> radius)
    {
        var all = new List<float>();
        for (int start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(batchSize, count - start);
            all.AddRange(radius(images.narrow(0, start, size), labels.narrow(0, start, size)).cpu().data<float>().ToArray());
            advance(size);
        }
        return [.. all];
    }
}
