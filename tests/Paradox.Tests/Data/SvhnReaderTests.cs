using Paradox.Data;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Data;

public class SvhnReaderTests
{
    static readonly double[] ThreeLabels = [1, 10, 7];

    /// <summary>What torchvision's SVHN gives for the synthetic X: np.transpose(X, (3, 2, 0, 1)), i.e. [n, c, h, w] =
    /// X(h, w, c, n).</summary>
    static Tensor Expected(int count)
    {
        var values = new float[count * 3 * 32 * 32];
        int i = 0;
        for (int n = 0; n < count; n++)
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 32; h++)
                    for (int w = 0; w < 32; w++)
                        values[i++] = MatBytes.Pixel(n, c, h, w) / 255f;
        return tensor(values, [count, 3, 32, 32]);
    }

    [Theory]
    [InlineData(false, false, MatBytes.TypeDouble)]
    [InlineData(true, false, MatBytes.TypeDouble)]
    [InlineData(false, true, MatBytes.TypeDouble)]
    [InlineData(true, true, MatBytes.TypeDouble)]
    [InlineData(false, true, MatBytes.TypeUInt8)] // MATLAB stores a double array of small integers as uint8
    public void Reads_X_and_y_as_torchvision_does(bool compress, bool bigEndian, int yStorage)
    {
        using var dir = new ScratchDir();
        string path = dir.Write("test_32x32.mat", MatBytes.Svhn(ThreeLabels, bigEndian, compress, yStorage));

        using var data = SvhnReader.Read(path);
        using var expected = Expected(3);

        Assert.Equal([3L, 3, 32, 32], data.Images.shape);
        Assert.True(data.Images.is_contiguous());
        Assert.True(data.Images.eq(expected).all().item<bool>(), "pixels differ from X(h, w, c, n) at [n, c, h, w]");
        Assert.Equal([1L, 0, 7], data.Labels.data<long>().ToArray());
        Assert.Equal(DatasetInfo.Svhn, data.Info);
        // spot checks: row index varies fastest in X, so [0,0,1,0] = X(2,1,1,1) (1-based) = 7
        Assert.Equal(7f / 255f, data.Images[0, 0, 1, 0].item<float>());
        Assert.Equal(3f / 255f, data.Images[0, 0, 0, 1].item<float>());
        Assert.Equal((7 * 31 + 3 * 2 + 100 + 22) % 256 / 255f, data.Images[2, 2, 31, 2].item<float>());
    }

    [Fact]
    public void Compressed_and_uncompressed_files_give_the_same_data()
    {
        using var dir = new ScratchDir();
        using var plain = SvhnReader.Read(dir.Write("a.mat", MatBytes.Svhn(ThreeLabels)));
        using var zipped = SvhnReader.Read(dir.Write("b.mat", MatBytes.Svhn(ThreeLabels, compress: true)));
        Assert.True(plain.Images.eq(zipped.Images).all().item<bool>());
        Assert.True(plain.Labels.eq(zipped.Labels).all().item<bool>());
    }

    [Fact]
    public void X_in_another_numeric_type_is_accepted()
    {
        using var dir = new ScratchDir();
        var bytes = new MatBytes(compress: true)
            .Add("y", MatBytes.ClassDouble, [2, 1], MatBytes.TypeDouble, [3, 4])
            .Add("X", MatBytes.ClassDouble, [32, 32, 3, 2], MatBytes.TypeDouble, MatBytes.SvhnX(2))
            .ToArray();
        using var data = SvhnReader.Read(dir.Write("x.mat", bytes));
        using var expected = Expected(2);
        Assert.True(data.Images.allclose(expected));
        Assert.Equal([3L, 4], data.Labels.data<long>().ToArray());
    }

    static string Fails(byte[] bytes)
    {
        using var dir = new ScratchDir();
        string path = dir.Write("train_32x32.mat", bytes);
        var e = Assert.Throws<ParadoxException>(() => SvhnReader.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void A_file_that_is_not_a_MAT_file_is_rejected()
    {
        Assert.Contains("not a MATLAB level-5 MAT file", Fails(new byte[10]));
        Assert.Contains("not a MATLAB level-5 MAT file", Fails(new byte[200]));
        var hdf5 = MatBytes.Svhn(ThreeLabels);
        "MATLAB 7.3 MAT-file"u8.CopyTo(hdf5);
        Assert.Contains("7.3", Fails(hdf5));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_truncated_file_is_rejected(bool compress)
    {
        var bytes = MatBytes.Svhn(ThreeLabels, compress: compress);
        Assert.Contains("truncated", Fails(bytes[..(bytes.Length - 20)]));
    }

    [Fact]
    public void Corrupt_compressed_data_is_rejected()
    {
        var bytes = MatBytes.Svhn(ThreeLabels, compress: true);
        for (int i = 200; i < 260; i++) bytes[i] ^= 0x5A;
        var message = Fails(bytes);
        Assert.True(message.Contains("corrupt") || message.Contains("truncated") || message.Contains("malformed"), message);
    }

    [Fact]
    public void Missing_variables_are_named()
    {
        var onlyX = new MatBytes().Add("X", MatBytes.ClassUInt8, [32, 32, 3, 1], MatBytes.TypeUInt8, MatBytes.SvhnX(1)).ToArray();
        Assert.Contains("no variable 'y'", Fails(onlyX));
        var onlyY = new MatBytes(compress: true).Add("y", MatBytes.ClassDouble, [1, 1], MatBytes.TypeDouble, [1]).ToArray();
        Assert.Contains("no variable 'X'", Fails(onlyY));
    }

    [Fact]
    public void Wrong_dimensions_are_rejected()
    {
        var bytes = new MatBytes()
            .Add("X", MatBytes.ClassUInt8, [28, 28, 1, 1], MatBytes.TypeUInt8, new double[784])
            .Add("y", MatBytes.ClassDouble, [1, 1], MatBytes.TypeDouble, [1]).ToArray();
        Assert.Contains("X is 28x28x1x1, expected 32x32x3xN", Fails(bytes));
    }

    [Fact]
    public void A_label_count_mismatch_is_rejected()
    {
        var bytes = new MatBytes()
            .Add("X", MatBytes.ClassUInt8, [32, 32, 3, 2], MatBytes.TypeUInt8, MatBytes.SvhnX(2))
            .Add("y", MatBytes.ClassDouble, [3, 1], MatBytes.TypeDouble, [1, 2, 3]).ToArray();
        Assert.Contains("y is 3x1 but X holds 2 images", Fails(bytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(2.5)]
    public void Labels_outside_1_to_10_are_rejected(double bad)
    {
        Assert.Contains($"label {bad} of image 1", Fails(MatBytes.Svhn([1, bad, 3])));
    }

    [Fact]
    public void A_data_size_that_disagrees_with_the_dimensions_is_rejected()
    {
        var bytes = new MatBytes()
            .Add("X", MatBytes.ClassUInt8, [32, 32, 3, 2], MatBytes.TypeUInt8, MatBytes.SvhnX(1))
            .Add("y", MatBytes.ClassDouble, [2, 1], MatBytes.TypeDouble, [1, 2]).ToArray();
        Assert.Contains("variable 'X' is 32x32x3x2 (6144 values) but holds 3072 bytes", Fails(bytes));
    }
}
