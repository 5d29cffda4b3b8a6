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
        if (!(SigmaInit > 0) || !double.IsFinite(SigmaInit)) throw new ParadoxException($"--gls_sigma: must be a number > 0 for pgpe (got {SigmaInit})");
        if (!(SigmaLearningRate >= 0) || !double.IsFinite(SigmaLearningRate))
            throw new ParadoxException($"--pgpe_lr: must be a number >= 0 (got {SigmaLearningRate})");
        if (!(BaselineDecay >= 0 && BaselineDecay < 1)) throw new ParadoxException($"--pgpe_baseline_decay: must be in [0, 1) (got {BaselineDecay})");
        if (!(MaxSigmaChange > 0 && MaxSigmaChange < 1)) throw new ArgumentOutOfRangeException(nameof(MaxSigmaChange));
    }
}

/// <summary>
/// What PGPE carries from step to step: one deviation per weight and the baseline. Checkpointed with the run
/// (<see cref="ToTensors"/>, <see cref="Load"/>) so that a resumed run continues bit for bit.
/// </summary>
public sealed class PgpeState : IDisposable
{
    public List<Tensor> Sigma { get; }
    /// <summary>Moving average of the population's mean loss; NaN before the first step.</summary>
    public double Baseline { get; set; } = double.NaN;

    public PgpeState(IReadOnlyList<Tensor> parameters, double sigmaInit)
    {
        using var _ = no_grad();
        // Lives across steps: kept out of the trainer's per-batch dispose scope.
        Sigma = parameters.Select(p => full_like(p, sigmaInit).detach().DetachFromDisposeScope()).ToList();
    }

    public IEnumerable<(string Key, Tensor Value)> ToTensors() =>
        Sigma.Select((s, i) => ($"pgpe.sigma.{i}", s)).Append(("pgpe.baseline", tensor(Baseline, ScalarType.Float64)));

    /// <summary>The state a checkpoint holds (its deviations for <paramref name="parameters"/>).</summary>
    public static PgpeState From(IReadOnlyList<Tensor> parameters, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var state = new PgpeState(parameters, 1);
        state.Load(tensors, source);
        return state;
    }

    public void Load(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        using var _ = no_grad();
        for (int i = 0; i < Sigma.Count; i++)
        {
            if (!tensors.TryGetValue($"pgpe.sigma.{i}", out var s) || !s.shape.SequenceEqual(Sigma[i].shape))
                throw new ParadoxException($"{source}: no PGPE deviation {i} of the network's shape");
            Sigma[i].copy_(s);
        }
        Baseline = tensors.TryGetValue("pgpe.baseline", out var b) ? b.item<double>()
            : throw new ParadoxException($"{source}: no PGPE baseline");
    }

    public void Dispose()
    {
        foreach (var s in Sigma) s.Dispose();
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
    public static double Gradient(IReadOnlyList<Tensor> parameters, PgpeState state, PgpeParameters p, Generator? generator, Func<double> loss)
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
        state.Baseline = double.IsNaN(state.Baseline) ? means.Average() : p.BaselineDecay * state.Baseline + (1 - p.BaselineDecay) * means.Average();
        Gradients.Add(parameters, gradient);
        foreach (var t in gradient.Concat(sigmaStep).Concat(samples.SelectMany(s => s))) t.Dispose();
        return means.Average();
    }

    /// <summary>
    /// PGPE on the study's loss `kappa CE + (1 - kappa) CE_R` over the eps-ball; any relaxation. The reported logits are
    /// the centre's (one more evaluation, no gradient).
    /// </summary>
    public static LossParts Loss(Network network, MethodBatch batch, Relaxation relaxation, PgpeState state, PgpeParameters p, Generator? generator)
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

/// <summary>
/// `--method pgpe` on the seam: any relaxation, the LP and MILP included. Each of the 2N evaluations is the whole batch
/// (in its `--batch_pieces`, no gradient); the batch's counts are the centre's; the regulariser's gradient is added at
/// the centre. Its deviations and baseline travel in the checkpoint.
/// </summary>
public sealed class PgpeTraining(PgpeParameters parameters, Relaxation relaxation, Generator? generator, SpecKind spec)
    : IGradientMethod, IStatefulMethod, IDisposable
{
    PgpeState? state;
    IReadOnlyDictionary<string, Tensor>? pending;
    string pendingSource = "";

    public LossParts Loss(Network network, Tensor x, Tensor y, ScheduleValues s) =>
        Rgs.CertifiedLoss(network, new MethodBatch(x, y, s.Eps, s.Kappa, spec), relaxation);

    public EpochTotals Backward(Network network, Tensor x, Tensor y, ScheduleValues schedule, int pieces, Func<Tensor?> regularizer)
    {
        var weights = network.Parameters();
        if (state is null)
        {
            state = pending is null ? new PgpeState(weights, parameters.SigmaInit) : PgpeState.From(weights, pending, pendingSource);
            foreach (var t in pending?.Values ?? []) t.Dispose();
            pending = null;
        }
        long n = x.shape[0];
        int count = (int)Math.Min(pieces, n);
        long size = (n + count - 1) / count;
        double Evaluate()
        {
            using var _ = no_grad();
            double sum = 0;
            for (long start = 0; start < n; start += size)
            {
                using var scope = NewDisposeScope();
                long m = Math.Min(size, n - start);
                sum += Loss(network, x.narrow(0, start, m), y.narrow(0, start, m), schedule).Total.item<float>() * m;
            }
            return sum / n;
        }
        double mean = Pgpe.Gradient(weights, state, parameters, generator, Evaluate);
        regularizer()?.backward();
        var totals = EpochTotals.Zero;
        using (no_grad())
            for (long start = 0; start < n; start += size)
            {
                using var scope = NewDisposeScope();
                long m = Math.Min(size, n - start);
                var yp = y.narrow(0, start, m);
                var parts = Loss(network, x.narrow(0, start, m), yp, schedule);
                long correct = parts.NaturalLogits.argmax(1).eq(yp).sum().item<long>();
                long certified = parts.WorstCaseLogits is null ? 0 : ProvableTraining.CertifiedOnBatch(parts.WorstCaseLogits, yp).sum().item<long>();
                totals += EpochTotals.Of(mean * m, correct, certified, m, parts.Certified);
            }
        return totals;
    }

    public IEnumerable<(string Key, Tensor Value)> StateTensors() => state?.ToTensors() ?? [];

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        if (!tensors.ContainsKey("pgpe.baseline")) return; // a checkpoint from before the first step
        state?.Dispose();
        state = null;
        pending = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
        pendingSource = source;
    }

    public void Dispose() => state?.Dispose();
}
