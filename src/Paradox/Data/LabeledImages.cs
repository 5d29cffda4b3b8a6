using static TorchSharp.torch;

namespace Paradox.Data;

/// <summary>
/// A set of labelled images held as two tensors: <see cref="Images"/> [N,C,H,W] float32 in [0,1] and
/// <see cref="Labels"/> [N] int64. It owns both tensors: they are detached from any dispose scope active
/// when it is created, and freed by <see cref="Dispose"/>.
/// </summary>
public sealed class LabeledImages : IDisposable
{
    public Tensor Images { get; }
    public Tensor Labels { get; }
    public DatasetInfo Info { get; }

    /// <summary>Where the data came from (a file or directory), for messages.</summary>
    public string Source { get; }

    public int Count => (int)Labels.shape[0];

    public LabeledImages(Tensor images, Tensor labels, DatasetInfo info, string source)
    {
        long[] expected = [labels.shape[0], .. info.ImageShape];
        if (labels.dim() != 1 || labels.dtype != ScalarType.Int64)
            throw new ArgumentException($"labels must be a 1-d int64 tensor, got {labels.dtype} [{string.Join(",", labels.shape)}]",
                nameof(labels));
        if (images.dtype != ScalarType.Float32 || !images.shape.SequenceEqual(expected))
            throw new ArgumentException($"images must be float32 [{string.Join(",", expected)}] for {info.Name}, " +
                $"got {images.dtype} [{string.Join(",", images.shape)}]", nameof(images));
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        Info = info;
        Source = source;
    }

    /// <summary>Images start..start+count-1 as views that share this set's storage.</summary>
    public LabeledImages Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"slice [{start}, {start + count}) is outside 0..{Count}");
        return new LabeledImages(Images.narrow(0, start, count), Labels.narrow(0, start, count), Info, Source);
    }

    /// <summary>The first <paramref name="n"/> images, or all of them when there are fewer.</summary>
    public LabeledImages Take(int n) => Slice(0, Math.Clamp(n, 0, Count));

    /// <summary>The images at <paramref name="indices"/>, in that order (a copy).</summary>
    public LabeledImages Select(long[] indices)
    {
        using var index = tensor(indices, ScalarType.Int64);
        return new LabeledImages(Images.index_select(0, index), Labels.index_select(0, index), Info, Source);
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
