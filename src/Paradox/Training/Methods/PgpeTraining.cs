using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

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
                long certified = parts.WorstCaseLogits is null
                    ? 0
                    : ProvableTraining.CertifiedOnBatch(parts.WorstCaseLogits, yp).sum().item<long>();
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
