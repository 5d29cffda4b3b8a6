using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// `--batch_pieces` around any method: the batch is split into pieces whose losses (weighted by their share of
/// the batch) are back-propagated one after the other, so the accumulated gradient is the whole batch's with
/// the memory of one piece. The regulariser is added once, to the first piece.
/// </summary>
public sealed class BatchPieces(ITrainingMethod method, int pieces)
{
    public ITrainingMethod Method { get; } = method;

    /// <summary>Back-propagates the batch's loss into the parameters' gradients and returns the batch's sums.</summary>
    public EpochTotals Backward(Network network, Tensor x, Tensor y, ScheduleValues schedule, Func<Tensor?> regularizer)
    {
        long n = x.shape[0];
        int count = (int)Math.Min(pieces, n);
        long pieceSize = (n + count - 1) / count;
        var totals = EpochTotals.Zero;
        for (long start = 0; start < n; start += pieceSize)
        {
            long size = Math.Min(pieceSize, n - start);
            var yp = y.narrow(0, start, size);
            var parts = Method.Loss(network, x.narrow(0, start, size), yp, schedule);
            var pieceLoss = parts.Total * ((double)size / n);
            if (start == 0 && regularizer() is { } reg) pieceLoss = pieceLoss + reg;
            pieceLoss.backward();
            using (no_grad())
            {
                long correct = parts.NaturalLogits.argmax(1).eq(yp).sum().item<long>();
                long certified = parts.WorstCaseLogits is null
                    ? 0
                    : ProvableTraining.CertifiedOnBatch(parts.WorstCaseLogits, yp).sum().item<long>();
                totals += EpochTotals.Of(parts.Total.item<float>() * size, correct, certified, size, parts.Certified);
            }
        }
        return totals;
    }
}
