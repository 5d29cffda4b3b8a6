using Paradox.Training;
using Paradox.Training.Methods;

namespace Paradox.Reproduction;

/// <summary>What one run is expected to cost: optimizer steps and seconds of training and of the final evaluation.</summary>
public sealed record RunEstimate(int TrainImages, long Steps, double TrainSeconds, double EvalSeconds)
{
    public double Seconds => TrainSeconds + EvalSeconds;
}

/// <summary>
/// Time estimates from measured seconds per training step at batch 100 (`bench/Paradox.Bench -- train-step` on
/// this machine), per network and domain, scaled linearly with the batch size. The schedule decides what a
/// step computes, as the trainer does: warm-up (kappa = 1) is a natural step, beta = 0 a Box step,
/// 0 &lt; beta &lt; 1 the relaxation plus Box. Evaluation: each verify domain costs VerifyFactor times a training
/// step per 100 test images (no backward pass and no optimizer), PGD pgd_steps natural steps per 100 images.
/// Domains without a measurement use their family's (`domain_families`: hdiag → hbox, ...).
/// </summary>
public sealed record CostModel(
    string Source,
    IReadOnlyDictionary<string, Dictionary<string, double>> StepSeconds,
    IReadOnlyDictionary<string, string> DomainFamilies,
    IReadOnlyDictionary<string, int> TrainImages,
    IReadOnlyDictionary<string, int> TestImages,
    double VerifyFactor)
{
    /// <summary>Seconds per step of 100 images for <paramref name="domain"/> on <paramref name="net"/>, or null when
    /// not measured.</summary>
    public double? Step(string net, string domain)
    {
        if (!StepSeconds.TryGetValue(net, out var table)) return null;
        var name = domain.Split(':')[0].Trim().ToLowerInvariant();
        if (table.TryGetValue(name, out var s)) return s;
        return DomainFamilies.TryGetValue(name, out var family) && table.TryGetValue(family, out var f) ? f : null;
    }

    /// <summary>The training images a run uses: the first n_train, then percent of them.</summary>
    public int TrainImagesOf(TrainConfig c)
    {
        int n = TrainImages.TryGetValue(c.Dataset, out var size) ? size : 0;
        if (c.NTrain is { } first) n = Math.Min(n, first);
        return c.Percent < 100 ? (int)Math.Round(n * c.Percent / 100.0) : n;
    }

    /// <summary>The estimate, or null when a needed step time is not in the table.</summary>
    public RunEstimate? Estimate(TrainConfig c)
    {
        int images = TrainImagesOf(c);
        long stepsPerEpoch = (images + c.BatchSize - 1) / c.BatchSize;
        long total = stepsPerEpoch * c.NEpochs;
        long warmup = Math.Min(total, stepsPerEpoch * c.WarmupEpochs);
        long ramp = Math.Min(total - warmup, stepsPerEpoch * c.MixEpochs);
        long constant = total - warmup - ramp;
        double batch = c.BatchSize / 100.0;

        double? natural = Step(c.Net, "natural"), box = Step(c.Net, "box");
        double? domain = c.TrainDomain is { } d ? Step(c.Net, d) : natural;
        if (natural is null || box is null || domain is null) return null;
        double Relaxation(double beta) =>
            beta >= 1 || c.TrainDomain == "box" ? domain.Value : beta <= 0 ? box.Value : domain.Value + box.Value;
        double Mixed(double beta) => ProvableMethodCatalog.StepCost(c, Relaxation(beta), natural.Value);

        double train;
        if (c.Mode != TrainMode.TrainProvable) train = total * natural.Value * (c.Mode == TrainMode.TrainPgd ? 1 + c.PgdSteps : 1);
        else
        {
            double rampStep = c.Beta1 >= 1 && c.Beta2 >= 1 ? Mixed(1) : c.Beta1 <= 0 && c.Beta2 <= 0 ? Mixed(0) : Mixed(0.5);
            double constantStep = c.Kappa2 >= 1 ? natural.Value : Mixed(c.Beta2);
            train = warmup * natural.Value + ramp * rampStep + constant * constantStep;
        }
        train *= batch;

        int tests = TestImages.TryGetValue(c.Dataset, out var t) ? t : 0;
        if (c.VerifyMaxTests is { } max) tests = Math.Min(tests, max);
        double eval = tests / 100.0 * c.PgdSteps * natural.Value * Math.Max(1, c.EpsTest.Length);
        foreach (var v in c.VerifyDomains)
            eval += tests / 100.0 * (Step(c.Net, v) ?? domain.Value) * VerifyFactor * Math.Max(1, c.EpsTest.Length);
        return new RunEstimate(images, total, train, eval);
    }

    public static string Format(double seconds) =>
        seconds < 90 ? $"{seconds:0} s" : seconds < 5400 ? $"{seconds / 60:0} min" : $"{seconds / 3600:0.0} h";
}
