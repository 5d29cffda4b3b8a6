using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>RGS's settings: the standard deviation of the weight noise (`--gls_sigma`) and the samples per step
/// (`--gls_samples`).</summary>
public sealed record RgsParameters(double Sigma = 0.01, int Samples = 4)
{
    public static RgsParameters From(TrainConfig c)
    {
        var d = new RgsParameters();
        return new RgsParameters(c.GlsSigma ?? d.Sigma, c.GlsSamples ?? d.Samples);
    }

    public void Validate()
    {
        if (!(Sigma >= 0) || !double.IsFinite(Sigma)) throw new ParadoxException($"--gls_sigma: must be a number >= 0 (got {Sigma})");
        if (Samples < 1) throw new ParadoxException($"--gls_samples: must be >= 1 (got {Samples})");
    }
}

/// <summary>
/// Randomised gradient smoothing (Balauca et al., TMLR 2025): the gradient of the Gaussian-smoothed loss
/// `L_sigma(theta) = E[L(theta + sigma e)]`, e ~ N(0, I), estimated by `(1/k) sum_i grad L(theta + sigma e_i)`. Needs the
/// relaxation's gradients; costs k forward and backward passes per step. sigma = 0 is the plain gradient.
/// </summary>
public static class Rgs
{
    /// <summary>
    /// Adds the estimate to the parameters' gradients. <paramref name="lossWithBackward"/> evaluates the loss at the current
    /// (perturbed) weights, calls backward on it and returns its value; the weights are restored bit for bit afterwards.
    /// Returns the mean of the k losses.
    /// </summary>
    public static double Gradient(IReadOnlyList<Tensor> parameters, RgsParameters p, Generator? generator, Func<double> lossWithBackward)
    {
        p.Validate();
        var before = Gradients.Snapshot(parameters);
        Gradients.Zero(parameters);
        double sum = 0;
        using (var weights = new WeightSnapshot(parameters))
        {
            for (int i = 0; i < p.Samples; i++)
            {
                var noise = new List<Tensor?>();
                using (no_grad())
                    foreach (var t in parameters)
                    {
                        using var e = randn(t.shape, dtype: t.dtype, device: t.device, generator: generator);
                        noise.Add(e * p.Sigma);
                    }
                weights.Set(noise);
                foreach (var n in noise) n!.Dispose();
                sum += lossWithBackward();
            }
        }
        using (no_grad())
            for (int i = 0; i < parameters.Count; i++)
            {
                if (parameters[i].grad is { } g) g.div_(p.Samples).add_(before[i]);
                before[i].Dispose();
            }
        return sum / p.Samples;
    }

    /// <summary>RGS on the study's loss `kappa CE + (1 - kappa) CE_R` over the eps-ball; the parts are those of the
    /// last sample, detached.</summary>
    public static LossParts Loss(Network network, MethodBatch batch, Relaxation relaxation, RgsParameters p, Generator? generator)
    {
        MethodLosses.RequireDifferentiable(relaxation, "rgs");
        LossParts? last = null;
        double mean = Gradient(network.Parameters(), p, generator, () =>
        {
            var parts = CertifiedLoss(network, batch, relaxation);
            parts.Total.backward();
            last = Detached(parts);
            return parts.Total.item<float>();
        });
        return last! with { Total = tensor((float)mean) };
    }

    /// <summary>The study's loss at the network's current weights.</summary>
    public static LossParts CertifiedLoss(Network network, MethodBatch batch, Relaxation relaxation)
    {
        var logits = network.Forward(batch.X);
        var natural = nn.functional.cross_entropy(logits, batch.Y);
        if (batch.Kappa >= 1 || batch.Eps == 0) return new LossParts(natural, natural, null, logits, null);
        using var ball = batch.Ball();
        var worst = relaxation.WorstCaseLogits(network, ball, batch.Y, batch.Spec);
        var certified = nn.functional.cross_entropy(worst, batch.Y);
        return new LossParts(MethodLosses.Mix(batch.Kappa, natural, certified), natural, certified, logits, worst);
    }

    static LossParts Detached(LossParts p) => new(p.Total.detach(), p.Natural.detach(), p.Certified?.detach(), p.NaturalLogits.detach(),
        p.WorstCaseLogits?.detach());
}

/// <summary>
/// `--method rgs` on the seam: per step, k perturbed copies of the weights, each back-propagating the whole batch (in its
/// `--batch_pieces`) under the same noise; the regulariser's gradient is taken once, at the unperturbed weights.
/// </summary>
public sealed class RgsTraining(RgsParameters parameters, Relaxation relaxation, Generator? generator, SpecKind spec) : IGradientMethod
{
    public LossParts Loss(Network network, Tensor x, Tensor y, ScheduleValues s) =>
        Rgs.CertifiedLoss(network, new MethodBatch(x, y, s.Eps, s.Kappa, spec), relaxation);

    public EpochTotals Backward(Network network, Tensor x, Tensor y, ScheduleValues schedule, int pieces, Func<Tensor?> regularizer)
    {
        var inner = new BatchPieces(this, pieces);
        var totals = EpochTotals.Zero;
        double mean = Rgs.Gradient(network.Parameters(), parameters, generator, () =>
        {
            totals = inner.Backward(network, x, y, schedule, () => null);
            return totals.MeanLoss;
        });
        regularizer()?.backward();
        // The epoch's counts are the last sample's; its loss is the mean over the samples.
        return totals with { LossSum = mean * totals.Seen };
    }
}
