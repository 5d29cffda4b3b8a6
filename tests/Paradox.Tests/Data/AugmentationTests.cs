using Paradox.Data;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Data;

public class AugmentationTests
{
    /// <summary>Images whose every pixel is distinct and positive: 1 + its flat index, over 10^4.</summary>
    static Tensor Batch(int n, int channels = 3, int side = 32) =>
        arange(1, 1 + n * channels * side * side, dtype: float32).div_(1e4f).reshape(n, channels, side, side);

    /// <summary>The reference: torchvision's RandomHorizontalFlip then RandomCrop(padding 4), pixel by pixel.</summary>
    static float Expected(float[,,] image, Augmentation.Draw d, int c, int r, int col, int p)
    {
        int h = image.GetLength(1), w = image.GetLength(2);
        int sr = d.Top + r - p, sc = d.Left + col - p;          // source pixel in the (flipped) image
        if (sr < 0 || sr >= h || sc < 0 || sc >= w) return 0f;  // the zero padding
        return image[c, sr, d.Flip ? w - 1 - sc : sc];
    }

    static float[,,] Image(Tensor x, int i)
    {
        var values = x[i].data<float>().ToArray();
        int c = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];
        var image = new float[c, h, w];
        Buffer.BlockCopy(values, 0, image, 0, values.Length * sizeof(float));
        return image;
    }

    [Fact]
    public void Keeps_shape_dtype_and_leaves_the_input_alone()
    {
        using var scope = NewDisposeScope();
        var x = Batch(5);
        var before = x.clone();
        var y = Augmentation.For(DatasetInfo.Cifar10, 1).Apply(x, epoch: 1, batch: 0);
        Assert.Equal(x.shape, y.shape);
        Assert.Equal(ScalarType.Float32, y.dtype);
        Assert.True(x.eq(before).all().item<bool>());
    }

    [Theory]
    [InlineData(false, 0, 0)]
    [InlineData(false, 4, 4)]
    [InlineData(false, 8, 8)]
    [InlineData(false, 1, 7)]
    [InlineData(true, 4, 4)]
    [InlineData(true, 0, 8)]
    [InlineData(true, 6, 2)]
    public void Each_draw_is_a_shifted_copy_with_zeros_entering_at_the_borders(bool flip, int top, int left)
    {
        using var scope = NewDisposeScope();
        var x = Batch(1);
        var d = new Augmentation.Draw(flip, top, left);
        var y = new Augmentation(0, 4, horizontalFlip: true).Apply(x, [d]);
        var image = Image(x, 0);
        var result = Image(y, 0);
        for (int c = 0; c < 3; c++)
            for (int r = 0; r < 32; r++)
                for (int col = 0; col < 32; col++)
                    Assert.Equal(Expected(image, d, c, r, col, 4), result[c, r, col]);

        // Shifting by (top - 4, left - 4) leaves |top - 4| zero rows and |left - 4| zero columns.
        var zeroRows = y[0, 0].eq(0).all(1L).sum().item<long>();
        var zeroCols = y[0, 0].eq(0).all(0L).sum().item<long>();
        Assert.Equal(Math.Abs(top - 4), zeroRows);
        Assert.Equal(Math.Abs(left - 4), zeroCols);
    }

    [Fact]
    public void The_centre_window_without_flip_is_the_identity_and_with_flip_the_mirror()
    {
        using var scope = NewDisposeScope();
        var x = Batch(2);
        var aug = new Augmentation(0, 4, horizontalFlip: true);
        var y = aug.Apply(x, [new(false, 4, 4), new(true, 4, 4)]);
        Assert.True(y[0].eq(x[0]).all().item<bool>());
        Assert.True(y[1].eq(x[1].flip(2)).all().item<bool>());
    }

    [Fact]
    public void Draws_cover_all_offsets_and_flip_about_half_the_images()
    {
        var draws = Augmentation.For(DatasetInfo.Cifar10, 5).Draws(epoch: 1, batch: 0, count: 2000);
        Assert.Equal(Enumerable.Range(0, 9), draws.Select(d => d.Top).Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 9), draws.Select(d => d.Left).Distinct().Order());
        Assert.InRange(draws.Count(d => d.Flip), 900, 1100);
    }

    [Fact]
    public void SVHN_is_cropped_but_never_flipped()
    {
        var svhn = Augmentation.For(DatasetInfo.Svhn, 5);
        Assert.False(svhn.HorizontalFlip);
        Assert.Equal(4, svhn.Padding);
        var draws = svhn.Draws(1, 0, 500);
        Assert.DoesNotContain(draws, d => d.Flip);
        Assert.True(draws.Select(d => (d.Top, d.Left)).Distinct().Count() > 40);
    }

    [Fact]
    public void Only_CIFAR10_and_SVHN_are_augmented()
    {
        var e = Assert.Throws<ParadoxException>(() => Augmentation.For(DatasetInfo.Mnist, 1));
        Assert.StartsWith("--do_transform", e.Message);
    }

    [Fact]
    public void The_same_seed_epoch_and_batch_give_the_same_images()
    {
        using var scope = NewDisposeScope();
        var x = Batch(8);
        var a = Augmentation.For(DatasetInfo.Cifar10, 42).Apply(x, 3, 7);
        var b = Augmentation.For(DatasetInfo.Cifar10, 42).Apply(x, 3, 7);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.Equal(Augmentation.For(DatasetInfo.Cifar10, 42).Draws(3, 7, 8), Augmentation.For(DatasetInfo.Cifar10, 42).Draws(3, 7, 8));
    }

    [Fact]
    public void Different_batches_epochs_and_seeds_get_different_draws()
    {
        var aug = Augmentation.For(DatasetInfo.Cifar10, 42);
        var reference = aug.Draws(1, 0, 16);
        Assert.NotEqual(reference, aug.Draws(1, 1, 16));
        Assert.NotEqual(reference, aug.Draws(2, 0, 16));
        Assert.NotEqual(reference, Augmentation.For(DatasetInfo.Cifar10, 43).Draws(1, 0, 16));
        // images within one batch get their own offsets
        Assert.True(reference.Distinct().Count() > 8);
    }

    [Fact]
    public void Works_on_any_image_size_and_channel_count()
    {
        using var scope = NewDisposeScope();
        var x = Batch(3, channels: 1, side: 6);
        var aug = new Augmentation(9, 2, horizontalFlip: true);
        var draws = aug.Draws(1, 1, 3);
        var y = aug.Apply(x, draws);
        Assert.Equal([3L, 1, 6, 6], y.shape);
        for (int i = 0; i < 3; i++)
        {
            var image = Image(x, i);
            var result = Image(y, i);
            for (int r = 0; r < 6; r++)
                for (int col = 0; col < 6; col++)
                    Assert.Equal(Expected(image, draws[i], 0, r, col, 2), result[0, r, col]);
        }
    }
}
