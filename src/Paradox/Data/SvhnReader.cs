using static TorchSharp.torch;

namespace Paradox.Data;

/// <summary>
/// Reads SVHN "Format 2" (cropped digits, http://ufldl.stanford.edu/housenumbers/): <c>train_32x32.mat</c> and
/// <c>test_32x32.mat</c>, MAT files holding <c>X</c>, uint8 32x32x3xN (column-major, so image n's pixel at row h,
/// column w of channel c is X(h, w, c, n)), and <c>y</c>, Nx1 labels 1..10 where 10 is the digit 0. The result is
/// what torchvision's SVHN dataset gives: images [N,3,32,32] in [0,1], labels 0..9 (10 mapped to 0).
/// </summary>
public static class SvhnReader
{
    public const string TrainFile = "train_32x32.mat";
    public const string TestFile = "test_32x32.mat";
    const int Side = 32, Channels = 3;

    public static LabeledImages Read(string path)
    {
        var variables = MatFileReader.Read(path, ["X", "y"]);
        var x = variables.GetValueOrDefault("X")
            ?? throw new ParadoxException($"{path}: no variable 'X' (the images) in this MAT file; is it an SVHN 32x32 file?");
        var y = variables.GetValueOrDefault("y")
            ?? throw new ParadoxException($"{path}: no variable 'y' (the labels) in this MAT file; is it an SVHN 32x32 file?");

        if (x.Dimensions.Length != 4 || x.Dimensions[0] != Side || x.Dimensions[1] != Side || x.Dimensions[2] != Channels)
            throw new ParadoxException($"{path}: X is {x.DimensionsText}, expected 32x32x3xN (SVHN cropped digits)");
        int n = x.Dimensions[3];
        if (y.Count != n || y.Dimensions.Count(d => d != 1) > 1)
            throw new ParadoxException($"{path}: y is {y.DimensionsText} but X holds {n} images (expected {n}x1 labels)");

        var labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            double label = y[i];
            if (label != Math.Floor(label) || label < 1 || label > 10)
                throw new ParadoxException($"{path}: label {label} of image {i} is not an integer in 1..10");
            labels[i] = label == 10 ? 0 : (long)label;
        }

        using var scope = NewDisposeScope();
        // Column-major 32x32x3xN read row-major is [N, C, W, H]: swap the last two axes to get [N, C, H, W].
        var images = x.Storage == MatType.UInt8
            ? tensor(x.Data, [n, Channels, Side, Side]).transpose(2, 3).contiguous().to(ScalarType.Float32).div_(255f)
            : tensor(Pixels(x, path), [n, Channels, Side, Side]).transpose(2, 3).contiguous().div_(255f);
        return new LabeledImages(images, tensor(labels), DatasetInfo.Svhn, path);
    }

    /// <summary>X stored in a type other than uint8: its values, which must lie in [0, 255].</summary>
    static float[] Pixels(MatArray x, string path)
    {
        var pixels = new float[x.Count];
        for (long i = 0; i < pixels.Length; i++)
        {
            double v = x[i];
            if (!(v >= 0 && v <= 255))
                throw new ParadoxException($"{path}: pixel value {v} of X is outside 0..255");
            pixels[i] = (float)v;
        }
        return pixels;
    }
}
