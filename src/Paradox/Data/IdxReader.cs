using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Paradox.Data;

/// <summary>
/// Reads IDX files (the MNIST / FashionMNIST format), raw or gzip-compressed; compression is detected by the
/// gzip magic number, not by the file name. Every problem with a file is a <see cref="ParadoxException"/>
/// whose message starts with the file's path.
/// </summary>
public static class IdxReader
{
    const byte UnsignedByteType = 0x08;

    /// <summary>Reads an unsigned-byte IDX file and checks that its size matches its header.</summary>
    public static IdxArray Read(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            using var stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            return Parse(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw Error(path, $"cannot read IDX file: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads an image file ([N,H,W]) and its label file ([N]) into tensors: pixels scaled to [0,1], labels as int64.
    /// The image size must match <paramref name="info"/> and every label must be below its class count.
    /// </summary>
    public static LabeledImages Load(string imagesPath, string labelsPath, DatasetInfo info)
    {
        var images = Read(imagesPath);
        var labels = Read(labelsPath);
        CheckImages(images, info);
        CheckLabels(labels, images, info);

        int n = images.Shape[0];
        using var pixels = tensor(images.Data, [n, 1, info.Height, info.Width]);
        using var classes = tensor(labels.Data, [n]);
        return new LabeledImages(pixels.to(ScalarType.Float32).div_(255f), classes.to(ScalarType.Int64), info, imagesPath);
    }

    static void CheckImages(IdxArray images, DatasetInfo info)
    {
        if (images.Shape.Length != 3)
            throw Error(images.Path, $"expected images with 3 dimensions (count x rows x columns) but the header says {images.ShapeText}");
        if (info.Channels != 1)
            throw Error(images.Path, $"IDX images have one channel but {info.Name} images have {info.Channels}");
        if (images.Shape[1] != info.Height || images.Shape[2] != info.Width)
            throw Error(images.Path,
                $"images are {images.Shape[1]}x{images.Shape[2]} but {info.Name} images are {info.Height}x{info.Width}");
    }

    static void CheckLabels(IdxArray labels, IdxArray images, DatasetInfo info)
    {
        if (labels.Shape.Length != 1)
            throw Error(labels.Path, $"expected labels with 1 dimension but the header says {labels.ShapeText}");
        if (labels.Shape[0] != images.Shape[0])
            throw Error(labels.Path, $"{labels.Shape[0]} labels but {images.Path} has {images.Shape[0]} images");
        int bad = Array.FindIndex(labels.Data, label => label >= info.Classes);
        if (bad >= 0)
            throw Error(labels.Path, $"label {labels.Data[bad]} at index {bad} is not below the {info.Classes} classes of {info.Name}");
    }

    static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    static IdxArray Parse(Stream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        int read = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (read < 4)
            throw Error(path, $"not an IDX file: only {read} bytes, shorter than the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw Error(path, $"not an IDX file: magic number starts with 0x{magic[0]:X2} 0x{magic[1]:X2} instead of 0x00 0x00");
        if (magic[2] != UnsignedByteType)
            throw Error(path, $"unsupported IDX element type 0x{magic[2]:X2} (only 0x08, unsigned byte, is supported)");
        int[] shape = ReadShape(stream, path, ndims: magic[3]);

        long size = shape.Aggregate(1L, (product, d) => product * d);
        var data = new byte[size];
        read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < size)
            throw Error(path, $"truncated IDX file: header says {string.Join("x", shape)} ({size} bytes) but only {read} bytes follow");
        long extra = CountRemainingBytes(stream);
        if (extra > 0)
            throw Error(path, $"IDX file has {extra} bytes after the {size} bytes its header ({string.Join("x", shape)}) announces");
        return new IdxArray(path, shape, data);
    }

    static int[] ReadShape(Stream stream, string path, int ndims)
    {
        if (ndims == 0)
            throw Error(path, "IDX header declares 0 dimensions");
        var header = new byte[4 * ndims];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < header.Length)
            throw Error(path, $"truncated IDX header: {ndims} dimensions need {header.Length} bytes but only {read} follow");

        var shape = new int[ndims];
        long size = 1;
        for (int i = 0; i < ndims; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * i));
            if (shape[i] < 0)
                throw Error(path, $"IDX header has a negative size {shape[i]} for dimension {i}");
            size *= shape[i];
            if (size > Array.MaxLength)
                throw Error(path, $"IDX header announces more than {Array.MaxLength} bytes");
        }
        return shape;
    }

    static long CountRemainingBytes(Stream stream)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        for (int read; (read = stream.Read(buffer)) > 0;)
            total += read;
        return total;
    }

    static ParadoxException Error(string path, string problem, Exception? inner = null) => new($"{path}: {problem}", inner);
}
