using Paradox.Data;
using Xunit;

namespace Paradox.Tests.Data;

public class BatchLoaderTests
{
    /// <summary>The image numbers of each batch of one epoch (see <see cref="LabeledImagesTests.Numbered"/>).</summary>
    static List<long[]> Batches(BatchLoader loader, int epoch)
    {
        var batches = new List<long[]>();
        foreach (var batch in loader.Epoch(epoch))
            using (batch)
            {
                long[] ids = [.. batch.X[.., 0, 0, 0].data<float>().ToArray().Select(v => (long)v)];
                Assert.Equal(ids.Select(i => i % 10), batch.Y.data<long>().ToArray());
                batches.Add(ids);
            }
        return batches;
    }

    [Fact]
    public void Same_seed_gives_identical_batches()
    {
        using var data = LabeledImagesTests.Numbered(103);

        var first = Batches(new BatchLoader(data, 10, shuffle: true, seed: 7), epoch: 0);
        var second = Batches(new BatchLoader(data, 10, shuffle: true, seed: 7), epoch: 0);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Different_seeds_and_epochs_give_different_orders()
    {
        using var data = LabeledImagesTests.Numbered(103);
        var loader = new BatchLoader(data, 10, shuffle: true, seed: 7);

        Assert.NotEqual(loader.Order(0), new BatchLoader(data, 10, shuffle: true, seed: 8).Order(0));
        Assert.NotEqual(loader.Order(0), loader.Order(1));
        Assert.NotEqual(Enumerable.Range(0, 103).Select(i => (long)i), loader.Order(0));
    }

    [Fact]
    public void Each_epoch_covers_every_image_exactly_once()
    {
        using var data = LabeledImagesTests.Numbered(103);
        var loader = new BatchLoader(data, 10, shuffle: true, seed: 3);

        var batches = Batches(loader, epoch: 2);

        Assert.Equal(11, batches.Count);
        Assert.All(batches[..^1], b => Assert.Equal(10, b.Length));
        Assert.Equal(3, batches[^1].Length);
        Assert.Equal(loader.Order(2), batches.SelectMany(b => b));
        Assert.Equal(Enumerable.Range(0, 103).Select(i => (long)i), batches.SelectMany(b => b).Order());
    }

    [Fact]
    public void Without_shuffling_batches_follow_the_dataset_order()
    {
        using var data = LabeledImagesTests.Numbered(25);

        var batches = Batches(new BatchLoader(data, 10), epoch: 5);

        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), batches.SelectMany(b => b));
    }

    [Fact]
    public void DropLast_leaves_out_the_short_final_batch()
    {
        using var data = LabeledImagesTests.Numbered(25);
        var loader = new BatchLoader(data, 10, shuffle: true, seed: 1, dropLast: true);

        var batches = Batches(loader, epoch: 0);

        Assert.Equal(2, loader.BatchesPerEpoch);
        Assert.Equal(2, batches.Count);
        Assert.All(batches, b => Assert.Equal(10, b.Length));
    }

    [Fact]
    public void Batch_size_must_be_positive()
    {
        using var data = LabeledImagesTests.Numbered(5);

        var e = Assert.Throws<ParadoxException>(() => new BatchLoader(data, 0));
        Assert.Contains("--batch-size", e.Message);
    }
}
