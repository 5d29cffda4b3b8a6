using Paradox.Data;
using Xunit;

namespace Paradox.Tests.Data;

public class DatasetCatalogTests
{
    static long[] LabelHistogram(LabeledImages data) =>
        [.. Enumerable.Range(0, 10).Select(c => data.Labels.data<long>().ToArray().LongCount(l => l == c))];

    [Fact]
    public void Loads_the_FashionMNIST_test_set_from_the_Debian_package()
    {
        using var data = DatasetCatalog.Load(DatasetInfo.FashionMnist, train: false, dataDir: null);

        Assert.Equal(10000, data.Count);
        Assert.Equal([10000L, 1, 28, 28], data.Images.shape);
        Assert.True(data.Images.min().item<float>() >= 0f);
        Assert.Equal(1f, data.Images.max().item<float>());
        Assert.Equal(Enumerable.Repeat(1000L, 10), LabelHistogram(data));
    }

    /// <summary>Needs data/mnist from ./setup.sh; without it the load fails with a message that says so.</summary>
    [Fact]
    public void Loads_the_MNIST_test_set_from_the_repository_data_directory()
    {
        using var data = DatasetCatalog.Load(DatasetInfo.Mnist, train: false, dataDir: null);

        Assert.Equal([10000L, 1, 28, 28], data.Images.shape);
        Assert.Equal([980L, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], LabelHistogram(data));
    }

    [Fact]
    public void Missing_files_name_the_expected_path_and_the_fix()
    {
        using var dir = new ScratchDir();

        var e = Assert.Throws<ParadoxException>(() => DatasetCatalog.Load(DatasetInfo.Mnist, train: true, dir.Path));

        Assert.Equal($"MNIST not found at {Path.Combine(dir.Path, "train-images-idx3-ubyte")} (or train-images-idx3-ubyte.gz): " +
            "check --data-dir", e.Message);
    }

    [Fact]
    public void Accepts_compressed_and_uncompressed_IDX_names()
    {
        using var dir = new ScratchDir();
        dir.Write("t10k-images-idx3-ubyte.gz", IdxBytes.MnistLikeImages(2), gzip: true);
        dir.Write("t10k-labels-idx1-ubyte", IdxBytes.Labels(4, 2));

        using var data = DatasetCatalog.Load(DatasetInfo.FashionMnist, train: false, dir.Path);

        Assert.Equal([4L, 2], data.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Loads_CIFAR10_from_the_batches_directory_or_its_parent()
    {
        using var dir = new ScratchDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "cifar-10-batches-bin"));
        dir.Write("cifar-10-batches-bin/test_batch.bin", [5, .. new byte[3072]]);

        using var fromParent = DatasetCatalog.Load(DatasetInfo.Cifar10, train: false, dir.Path);
        using var fromBatches = DatasetCatalog.Load(DatasetInfo.Cifar10, train: false, Path.Combine(dir.Path, "cifar-10-batches-bin"));

        Assert.Equal([5L], fromParent.Labels.data<long>().ToArray());
        Assert.Equal([1L, 3, 32, 32], fromBatches.Images.shape);
        var e = Assert.Throws<ParadoxException>(() => DatasetCatalog.Load(DatasetInfo.Cifar10, train: true, dir.Path));
        Assert.Contains("data_batch_1.bin", e.Message);
    }

    [Fact]
    public void Loads_SVHN_from_its_MAT_files()
    {
        using var dir = new ScratchDir();
        dir.Write("test_32x32.mat", MatBytes.Svhn([10, 4], compress: true));

        using var data = DatasetCatalog.Load(DatasetInfo.Svhn, train: false, dir.Path);

        Assert.Equal([2L, 3, 32, 32], data.Images.shape);
        Assert.Equal([0L, 4], data.Labels.data<long>().ToArray());
        var e = Assert.Throws<ParadoxException>(() => DatasetCatalog.Load(DatasetInfo.Svhn, train: true, dir.Path));
        Assert.Equal($"SVHN not found at {Path.Combine(dir.Path, "train_32x32.mat")}: download train_32x32.mat and test_32x32.mat from " +
            "http://ufldl.stanford.edu/housenumbers/ into that directory, or check --data-dir", e.Message);
    }
}
