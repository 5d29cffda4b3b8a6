using Paradox.Data;
using Xunit;

namespace Paradox.Tests.Data;

public class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_and_labels(bool gzip)
    {
        using var dir = new ScratchDir();
        string images = dir.Write("images", IdxBytes.MnistLikeImages(3), gzip);
        string labels = dir.Write("labels", IdxBytes.Labels(7, 0, 9), gzip);

        using var data = IdxReader.Load(images, labels, DatasetInfo.Mnist);

        Assert.Equal(3, data.Count);
        Assert.Equal([3L, 1, 28, 28], data.Images.shape);
        Assert.Equal([7L, 0, 9], data.Labels.data<long>().ToArray());
        Assert.Equal(TorchSharp.torch.ScalarType.Int64, data.Labels.dtype);
        Assert.Equal(5f / 255f, data.Images[2, 0, 0, 3].item<float>(), 6);
        Assert.Equal(255f / 255f, data.Images[1, 0, 9, 2].item<float>(), 6); // 1 + 9*28+2 = 255
        Assert.Equal(images, data.Source);
    }

    [Fact]
    public void Detects_gzip_by_content_not_by_name()
    {
        using var dir = new ScratchDir();
        string compressed = dir.Write("plain-name", IdxBytes.Labels(1, 2), gzip: true);
        string raw = dir.Write("looks-compressed.gz", IdxBytes.Labels(3, 4));

        Assert.Equal([1, 2], IdxReader.Read(compressed).Data);
        Assert.Equal([3, 4], IdxReader.Read(raw).Data);
    }

    [Fact]
    public void Wrong_magic_is_reported_with_the_file()
    {
        using var dir = new ScratchDir();
        var bytes = IdxBytes.Labels(1, 2);
        bytes[0] = 0x12;
        string path = dir.Write("bad-magic", bytes);

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void Element_type_other_than_unsigned_byte_is_rejected()
    {
        using var dir = new ScratchDir();
        string path = dir.Write("floats", IdxBytes.Idx([1], [0, 0, 0, 0], type: 0x0D));

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("0x0D", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_data_is_reported_with_sizes(bool gzip)
    {
        using var dir = new ScratchDir();
        var whole = IdxBytes.MnistLikeImages(2);
        string path = dir.Write("t10k-images-idx3-ubyte", whole[..(16 + 1234)], gzip);

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Read(path));
        Assert.Equal($"{path}: truncated IDX file: header says 2x28x28 (1568 bytes) but only 1234 bytes follow", e.Message);
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        using var dir = new ScratchDir();
        string path = dir.Write("short-header", IdxBytes.MnistLikeImages(1)[..10]);

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated IDX header", e.Message);
    }

    [Fact]
    public void Bytes_after_the_data_are_reported()
    {
        using var dir = new ScratchDir();
        string path = dir.Write("long", [.. IdxBytes.Labels(1, 2), 0, 0, 0]);

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("3 bytes after", e.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_reported()
    {
        using var dir = new ScratchDir();
        string path = dir.Write("broken.gz", [0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x13, 0x37]);

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Read(path));
        Assert.StartsWith(path + ":", e.Message);
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        using var dir = new ScratchDir();
        string path = Path.Combine(dir.Path, "absent");

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Read(path));
        Assert.StartsWith(path + ":", e.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_match()
    {
        using var dir = new ScratchDir();
        string images = dir.Write("images", IdxBytes.MnistLikeImages(3));
        string labels = dir.Write("labels", IdxBytes.Labels(1, 2));

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Load(images, labels, DatasetInfo.Mnist));
        Assert.Equal($"{labels}: 2 labels but {images} has 3 images", e.Message);
    }

    [Fact]
    public void Labels_must_be_below_the_class_count()
    {
        using var dir = new ScratchDir();
        string images = dir.Write("images", IdxBytes.MnistLikeImages(3));
        string labels = dir.Write("labels", IdxBytes.Labels(1, 10, 2));

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Load(images, labels, DatasetInfo.Mnist));
        Assert.Contains(labels, e.Message);
        Assert.Contains("label 10 at index 1", e.Message);
    }

    [Fact]
    public void Images_need_three_dimensions_of_the_dataset_size()
    {
        using var dir = new ScratchDir();
        string labels = dir.Write("labels", IdxBytes.Labels(1));
        string flat = dir.Write("flat", IdxBytes.Idx([1, 784], new byte[784]));
        string small = dir.Write("small", IdxBytes.Idx([1, 14, 14], new byte[196]));

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Load(flat, labels, DatasetInfo.Mnist));
        Assert.Contains(flat, e.Message);
        Assert.Contains("3 dimensions", e.Message);
        e = Assert.Throws<ParadoxException>(() => IdxReader.Load(small, labels, DatasetInfo.Mnist));
        Assert.Contains(small, e.Message);
        Assert.Contains("14x14", e.Message);
    }

    [Fact]
    public void Labels_need_one_dimension()
    {
        using var dir = new ScratchDir();
        string images = dir.Write("images", IdxBytes.MnistLikeImages(2));
        string labels = dir.Write("labels", IdxBytes.Idx([2, 1], [1, 2]));

        var e = Assert.Throws<ParadoxException>(() => IdxReader.Load(images, labels, DatasetInfo.Mnist));
        Assert.Contains(labels, e.Message);
        Assert.Contains("1 dimension", e.Message);
    }
}
