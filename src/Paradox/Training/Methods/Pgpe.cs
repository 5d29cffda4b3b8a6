using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// PGPE's settings: antithetic pairs per step (`--pgpe_population`), the initial noise deviation (`--gls_sigma`), the step
/// size of the deviation's adaptation (`--pgpe_lr`; the mean moves with the run's optimizer at `--lr`), the decay of the
/// moving-average baseline (`--pgpe_baseline_decay`) and the largest relative change of a deviation in one step.
/// </summary>
public sealed record PgpeParameters(int Population = 8, double SigmaInit = 0.01, double SigmaLearningRate = 0.1,
    double BaselineDecay = 0.9, double MaxSigmaChange = 0.2)
{
    public static PgpeParameters From(TrainConfig c)
    {
        var d = new PgpeParameters();
        return d with
        {
            Population = c.PgpePopulation ?? d.Population,
            SigmaInit = c.GlsSigma ?? d.SigmaInit,
            SigmaLearningRate = c.PgpeLr ?? d.SigmaLearningRate,
            BaselineDecay = c.PgpeBaselineDecay ?? d.BaselineDecay,
        };
    }

    public void Validate()
    {
        if (Population < 1) throw new ParadoxException($"--pgpe_population: must be >= 1 (got {Population})");
        if (!(SigmaInit > 0) || !double.IsFinite(SigmaInit))
            throw new ParadoxException($"--gls_sigma: must be a number > 0 for pgpe (got {SigmaInit})");
        if (!(SigmaLearningRate >= 0) || !double.IsFinite(SigmaLearningRate))
            throw new ParadoxException($"--pgpe_lr: must be a number >= 0 (got {SigmaLearningRate})");
        if (!(BaselineDecay >= 0 && BaselineDecay < 1))
            throw new ParadoxException($"--pgpe_baseline_decay: must be in [0, 1) (got {BaselineDecay})");
        if (!(MaxSigmaChange > 0 && MaxSigmaChange < 1)) throw new ArgumentOutOfRangeException(nameof(MaxSigmaChange));
    }
}

/// <summary>
/// PGPE (Sehnke et al. 2010), the zeroth-order Gaussian loss smoothing of Balauca et al. (TMLR 2025): the loss is only
/// evaluated, never differentiated, so every relaxation trains, the LP and MILP ones included. Per step, N antithetic pairs
/// `theta +- e_n`, `e_n ~ N(0, diag(sigma^2))`, give
///   the mean's gradient  `g = (1/N) sum_n e_n (L+_n - L-_n) / (2 sigma^2)`, unbiased for the smoothed loss's gradient
///                         (exact in expectation for a quadratic loss), applied by the run's optimizer;
///   the deviations' step `sigma -= alpha_sigma (1/N) sum_n s_n (Lbar_n - b)`, `s_n = (e_n^2 - sigma^2) / sigma`,
///                         `Lbar_n = (L+_n + L-_n) / 2`, each deviation changed by at most MaxSigmaChange of itself;
///   the baseline          `b <- d b + (1 - d) mean_n Lbar_n` (the first step's mean when b is unset).
/// Costs 2N loss evaluations per step and no backward pass.
/// </summary>
public static class Pgpe
{
    /// <summary>
    /// Adds the mean's gradient to the parameters' gradients, adapts the state, and returns the population's mean loss.
    /// <paramref name="loss"/> evaluates the loss at the current (perturbed) weights; they are restored bit for bit.
    /// </summary>
    public static double Gradient(IReadOnlyList<Tensor> parameters, PgpeState state, PgpeParameters p, Generator? generator,
        Func<double> loss)
    {
        p.Validate();
        int n = parameters.Count;
        var gradient = parameters.Select(t => zeros_like(t).detach()).ToArray();
        var sigmaStep = parameters.Select(t => zeros_like(t).detach()).ToArray();
        var means = new double[p.Population];
        var samples = new List<Tensor[]>();
        using (var weights = new WeightSnapshot(parameters))
        {
            for (int k = 0; k < p.Population; k++)
            {
                Tensor[] noise;
                using (no_grad())
                    noise = parameters.Select((t, i) =>
                    {
                        using var e = randn(t.shape, dtype: t.dtype, device: t.device, generator: generator);
                        return e * state.Sigma[i];
                    }).ToArray();
                weights.Set(noise, +1);
                double plus = loss();
                weights.Set(noise, -1);
                double minus = loss();
                means[k] = (plus + minus) / 2;
                using (no_grad())
                    for (int i = 0; i < n; i++)
                        gradient[i].add_(noise[i] * ((plus - minus) / 2));
                samples.Add(noise);
            }
        }
        double baseline = double.IsNaN(state.Baseline) ? means.Average() : state.Baseline;
        using (no_grad())
        {
            for (int i = 0; i < n; i++)
            {
                var variance = state.Sigma[i].square();
                gradient[i].div_(variance * p.Population);
                foreach (var (noise, mean) in samples.Zip(means))
                    sigmaStep[i].add_((noise[i].square() - variance) / state.Sigma[i] * (mean - baseline));
                variance.Dispose();
                var step = (sigmaStep[i] * (-p.SigmaLearningRate / p.Population));
                var limit = state.Sigma[i] * p.MaxSigmaChange;
                state.Sigma[i].add_(torch.minimum(torch.maximum(step, -limit), limit));
            }
        }
        state.Baseline = double.IsNaN(state.Baseline)
            ? means.Average()
            : p.BaselineDecay * state.Baseline + (1 - p.BaselineDecay) * means.Average();
        Gradients.Add(parameters, gradient);
        foreach (var t in gradient.Concat(sigmaStep).Concat(samples.SelectMany(s => s))) t.Dispose();
        return means.Average();
    }

    /// <summary>
    /// PGPE on the study's loss `kappa CE + (1 - kappa) CE_R` over the eps-ball; any relaxation. The reported logits are
    /// the centre's (one more evaluation, no gradient).
    /// </summary>
    public static LossParts Loss(Network network, MethodBatch batch, Relaxation relaxation, PgpeState state, PgpeParameters p,
        Generator? generator)
    {
        double mean;
        using (no_grad())
            mean = Gradient(network.Parameters(), state, p, generator, () =>
            {
                using var scope = NewDisposeScope();
                return Rgs.CertifiedLoss(network, batch, relaxation).Total.item<float>();
            });
        using (no_grad())
        {
            var centre = Rgs.CertifiedLoss(network, batch, relaxation);
            return centre with { Total = tensor((float)mean) };
        }
    }
}
