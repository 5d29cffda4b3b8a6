using Paradox.Data;
using Xunit;

namespace Paradox.Tests.Data;

public class Cifar10ReaderTests
{
    /// <summary>A record with the given label whose channel c holds the value 10*(c+1) + record, everywhere.</summary>
    static byte[] Record(byte label, int record) =>
        [label, .. Enumerable.Range(0, 3072).Select(i => (byte)(10 * (i / 1024 + 1) + record))];

    [Fact]
    public void Reads_records_as_CHW_images()
    {
        using var dir = new ScratchDir();
        string path = dir.Write("test_batch.bin", [.. Record(3, 0), .. Record(9, 1)]);

        using var data = Cifar10Reader.Read([path], dir.Path);

        Assert.Equal([2L, 3, 32, 32], data.Images.shape);
        Assert.Equal([3L, 9], data.Labels.data<long>().ToArray());
        Assert.Equal(10f / 255f, data.Images[0, 0, 31, 31].item<float>(), 6);
        Assert.Equal(31f / 255f, data.Images[1, 2, 0, 0].item<float>(), 6);
        Assert.Equal(dir.Path, data.Source);
    }

    [Fact]
    public void Concatenates_files_in_order()
    {
        using var dir = new ScratchDir();
        string first = dir.Write("data_batch_1.bin", Record(1, 0));
        string second = dir.Write("data_batch_2.bin", [.. Record(2, 1), .. Record(3, 2)]);

        using var data = Cifar10Reader.Read([first, second], dir.Path);

        Assert.Equal([1L, 2, 3], data.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Size_must_be_a_multiple_of_the_record_size()
    {
        using var dir = new ScratchDir();
        string path = dir.Write("data_batch_1.bin", [.. Record(1, 0), 7, 7]);

        var e = Assert.Throws<ParadoxException>(() => Cifar10Reader.Read([path], dir.Path));
        Assert.Contains(path, e.Message);
        Assert.Contains("3075", e.Message);
        Assert.Contains("3073", e.Message);
    }

    [Fact]
    public void Labels_must_be_below_ten()
    {
        using var dir = new ScratchDir();
        string path = dir.Write("data_batch_1.bin", [.. Record(1, 0), .. Record(10, 1)]);

        var e = Assert.Throws<ParadoxException>(() => Cifar10Reader.Read([path], dir.Path));
        Assert.Contains(path, e.Message);
        Assert.Contains("label 10 of record 1", e.Message);
    }
}
