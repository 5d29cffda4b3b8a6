using static TorchSharp.torch;

namespace Paradox.Data;

/// <summary>
/// Splits a dataset into mini-batches, one epoch at a time. With <c>shuffle</c> the order of epoch e is a
/// permutation drawn from (seed, e) alone, so a run can be repeated, or resumed at any epoch, batch for batch.
/// </summary>
/// <remarks>
/// Every <see cref="Batch"/> is a set of new tensors (views for unshuffled order, copies otherwise) that the
/// caller owns: dispose it (<c>using (batch)</c>), or enumerate inside a <c>torch.NewDisposeScope()</c> that
/// encloses the whole loop. A scope opened inside the loop body does not cover the batch, which is created
/// before the body runs.
/// </remarks>
public sealed class BatchLoader
{
    readonly LabeledImages _data;
    readonly bool _shuffle;
    readonly long _seed;

    public int BatchSize { get; }
    public bool DropLast { get; }

    public BatchLoader(LabeledImages data, int batchSize, bool shuffle = false, long seed = 0, bool dropLast = false)
    {
        if (batchSize <= 0)
            throw new ParadoxException($"--batch-size: must be positive, got {batchSize}");
        _data = data;
        _shuffle = shuffle;
        _seed = seed;
        BatchSize = batchSize;
        DropLast = dropLast;
    }

    /// <summary>Batches per epoch; with <see cref="DropLast"/> a final batch smaller than the batch size is left out.</summary>
    public int BatchesPerEpoch => DropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the samples (all of them, each once).</summary>
    public long[] Order(int epoch)
    {
        var order = new long[_data.Count];
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        if (_shuffle)
            new Pcg32((ulong)_seed, (ulong)epoch).Shuffle(order);
        return order;
    }

    public IEnumerable<Batch> Epoch(int epoch)
    {
        using var order = _shuffle ? tensor(Order(epoch)) : null;
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            int start = b * BatchSize;
            int length = Math.Min(BatchSize, _data.Count - start);
            if (order is null)
            {
                yield return new Batch(_data.Images.narrow(0, start, length), _data.Labels.narrow(0, start, length));
                continue;
            }
            using var indices = order.narrow(0, start, length);
            yield return new Batch(_data.Images.index_select(0, indices), _data.Labels.index_select(0, indices));
        }
    }
}
