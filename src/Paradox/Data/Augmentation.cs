using static TorchSharp.torch;

namespace Paradox.Data;

/// <summary>
/// The training-set augmentation of the paper's <c>--do_transform</c> (its utils.py, torchvision transforms):
/// CIFAR-10 <c>RandomHorizontalFlip()</c> then <c>RandomCrop(32, 4)</c>; SVHN <c>RandomCrop(32, 4)</c> only (a
/// mirrored digit is another digit). The crop pads the image with 4 zero pixels on each side and cuts a 32x32
/// window at a uniformly drawn offset (0..8 in each direction), so the image shifts by up to 4 pixels and zeros
/// enter at the borders. It works on pixels in [0,1], before the network's Normalize layer, as torchvision does.
/// </summary>
/// <remarks>
/// Applied to a whole batch at once. The draws of batch b of epoch e come from a PCG32 generator seeded by
/// (seed, e, b) alone, so the same seed gives the same augmented batches, and a run resumed at any batch
/// continues with the draws the uninterrupted run would have made, without state in the checkpoint.
/// </remarks>
public sealed class Augmentation
{
    /// <summary>Keeps the augmentation's streams apart from the loader's shuffles, which use the seed itself.</summary>
    const ulong SeedSalt = 0x6A09E667F3BCC909UL;

    readonly ulong seed;

    /// <summary>Zero pixels added on each side before cropping back to the original size.</summary>
    public int Padding { get; }

    /// <summary>Whether each image is mirrored left-right with probability 1/2.</summary>
    public bool HorizontalFlip { get; }

    public Augmentation(long seed, int padding, bool horizontalFlip)
    {
        if (padding < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"padding must not be negative, got {padding}");
        this.seed = (ulong)seed ^ SeedSalt;
        Padding = padding;
        HorizontalFlip = horizontalFlip;
    }

    /// <summary>The paper's augmentation for <paramref name="dataset"/> (cifar10: flip and crop; svhn: crop).</summary>
    public static Augmentation For(DatasetInfo dataset, long seed) => dataset.Name switch
    {
        "cifar10" => new Augmentation(seed, padding: 4, horizontalFlip: true),
        "svhn" => new Augmentation(seed, padding: 4, horizontalFlip: false),
        _ => throw new ParadoxException(
            $"--do_transform: augmentation applies to cifar10 and svhn only (as in cert.py), not {dataset.Name}"),
    };

    /// <summary>What happens to one image: mirrored or not, then the window's top-left corner in the padded image.</summary>
    public readonly record struct Draw(bool Flip, int Top, int Left);

    /// <summary>The draws for the <paramref name="count"/> images of batch <paramref name="batch"/> of epoch
    /// <paramref name="epoch"/>.</summary>
    public Draw[] Draws(int epoch, int batch, int count)
    {
        var rng = new Pcg32(seed, ((ulong)(uint)epoch << 32) | (uint)batch);
        uint offsets = (uint)(2 * Padding + 1);
        var draws = new Draw[count];
        for (int i = 0; i < count; i++)
        {
            // torchvision's order: the flip's coin, then the crop's row, then its column
            bool flip = HorizontalFlip && rng.NextBelow(2) == 1;
            int top = (int)rng.NextBelow(offsets);
            int left = (int)rng.NextBelow(offsets);
            draws[i] = new Draw(flip, top, left);
        }
        return draws;
    }

    /// <summary>
    /// Batch <paramref name="batch"/> of epoch <paramref name="epoch"/> augmented: a new tensor of the shape of
    /// <paramref name="x"/> [B,C,H,W], on its device.
    /// </summary>
    public Tensor Apply(Tensor x, int epoch, int batch) => Apply(x, Draws(epoch, batch, (int)x.shape[0]));

    /// <summary><paramref name="x"/> with the given draws applied, one per image.</summary>
    public Tensor Apply(Tensor x, Draw[] draws)
    {
        if (x.dim() != 4 || x.shape[0] != draws.Length)
            throw new ArgumentException($"expected a batch [B,C,H,W] of {draws.Length} images, got [{string.Join(",", x.shape)}]",
                nameof(x));
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        int p = Padding;
        // Row r of the window of image i is padded row top_i + r; column c is padded column left_i + c, or its
        // mirror (W + 2p - 1) - (left_i + c) when flipped (mirroring the padded image = padding the mirrored one).
        var rows = new long[n * h];
        var cols = new long[n * w];
        for (int i = 0; i < n; i++)
        {
            for (int r = 0; r < h; r++)
                rows[i * h + r] = draws[i].Top + r;
            for (int c = 0; c < w; c++)
                cols[i * w + c] = draws[i].Flip ? w + 2 * p - 1 - (draws[i].Left + c) : draws[i].Left + c;
        }
        using var scope = NewDisposeScope();
        var padded = p > 0 ? nn.functional.pad(x, [p, p, p, p]) : x;
        var device = x.device;
        var image = arange(n, ScalarType.Int64, device).view(n, 1, 1, 1);
        var channel = arange(x.shape[1], ScalarType.Int64, device).view(1, -1, 1, 1);
        var row = tensor(rows, [n, 1, h, 1], device: device);
        var col = tensor(cols, [n, 1, 1, w], device: device);
        var result = padded.index(TensorIndex.Tensor(image), TensorIndex.Tensor(channel), TensorIndex.Tensor(row), TensorIndex.Tensor(col));
        return result.MoveToOuterDisposeScope();
    }
}
