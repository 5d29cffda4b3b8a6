using Paradox.Data;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Data;

public class LabeledImagesTests
{
    /// <summary>n MNIST-shaped images whose pixels all equal their index, labelled index mod 10.</summary>
    internal static LabeledImages Numbered(int n)
    {
        using var index = arange(n, ScalarType.Float32);
        return new LabeledImages(index.reshape(n, 1, 1, 1).expand(n, 1, 28, 28).contiguous(), arange(n, ScalarType.Int64).remainder(10),
            DatasetInfo.Mnist, "numbered");
    }

    static long[] ImageIds(LabeledImages data) => [.. data.Images[.., 0, 0, 0].data<float>().ToArray().Select(v => (long)v)];

    [Fact]
    public void Slice_Take_and_Select_pick_the_expected_images()
    {
        using var data = Numbered(12);
        using var slice = data.Slice(3, 4);
        using var first = data.Take(5);
        using var all = data.Take(100);
        using var picked = data.Select([11, 0, 5]);

        Assert.Equal([3L, 4, 5, 6], ImageIds(slice));
        Assert.Equal([3L, 4, 5, 6], slice.Labels.data<long>().ToArray());
        Assert.Equal(5, first.Count);
        Assert.Equal(12, all.Count);
        Assert.Equal([11L, 0, 5], ImageIds(picked));
        Assert.Equal([1L, 0, 5], picked.Labels.data<long>().ToArray());
        Assert.Equal("numbered", picked.Source);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Slice(10, 3));
    }

    [Fact]
    public void Rejects_tensors_of_the_wrong_shape_or_type()
    {
        using var images = zeros(2, 1, 28, 28);
        using var labels = zeros(2, ScalarType.Int64);
        using var floatLabels = zeros(2);

        Assert.Throws<ArgumentException>(() => new LabeledImages(images, labels, DatasetInfo.Cifar10, "x"));
        Assert.Throws<ArgumentException>(() => new LabeledImages(images, floatLabels, DatasetInfo.Mnist, "x"));
    }

    [Fact]
    public void Outlives_the_dispose_scope_it_was_created_in()
    {
        LabeledImages data;
        using (NewDisposeScope())
            data = Numbered(3);

        using (data)
            Assert.Equal(3L, data.Labels.sum().item<long>());
    }
}
