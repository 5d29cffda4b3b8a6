using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Paradox.Tests.Data;

/// <summary>
/// Writes MATLAB level-5 MAT files the way MATLAB's <c>save</c> lays them out (MAT-file format reference,
/// "Level 5 MAT-File Format"): a 128-byte header (116 bytes of text, 8 bytes of subsystem offset, version
/// 0x0100, endian indicator 'MI' written as a 16-bit value, so 'IM' on disk in a little-endian file), then one
/// miMATRIX element per variable: array flags (miUINT32, class in the low byte), dimensions (miINT32), name
/// (miINT8, in the small-element format when at most 4 bytes) and the real part; with <c>compress</c> each
/// variable is wrapped in an miCOMPRESSED element (zlib, not padded), as <c>save -v7</c> does.
/// </summary>
sealed class MatBytes(bool bigEndian = false, bool compress = false)
{
    readonly MemoryStream body = new();

    public const int ClassDouble = 6, ClassUInt8 = 9, ClassChar = 4;
    public const int TypeInt8 = 1, TypeUInt8 = 2, TypeUInt16 = 4, TypeInt32 = 5, TypeUInt32 = 6, TypeDouble = 9, TypeMatrix = 14,
        TypeCompressed = 15;

    /// <summary>Adds a variable whose values (column-major) are stored with <paramref name="storageType"/>.</summary>
    public MatBytes Add(string name, int arrayClass, int[] dims, int storageType, double[] values)
    {
        var matrix = new MemoryStream();
        Element(matrix, TypeUInt32, [.. U32((uint)arrayClass), .. U32(0)]);
        Element(matrix, TypeInt32, [.. dims.SelectMany(d => U32((uint)d))]);
        Element(matrix, TypeInt8, Encoding.ASCII.GetBytes(name));
        Element(matrix, storageType, [.. values.SelectMany(v => Encode(storageType, v))]);
        var element = new MemoryStream();
        Tag(element, TypeMatrix, (uint)matrix.Length);
        matrix.WriteTo(element);
        if (!compress)
        {
            element.WriteTo(body);
            return this;
        }
        var zipped = new MemoryStream();
        using (var z = new ZLibStream(zipped, CompressionLevel.Fastest, leaveOpen: true))
            element.WriteTo(z);
        Tag(body, TypeCompressed, (uint)zipped.Length);
        zipped.WriteTo(body);
        return this;
    }

    public byte[] ToArray()
    {
        var header = new byte[128];
        var text = Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Wed Nov 25 10:00:00 2026".PadRight(116));
        text.CopyTo(header, 0);
        // version 0x0100 and 'MI' as 16-bit values in the file's byte order
        ushort version = 0x0100, mark = ('M' << 8) | 'I';
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(124), version);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(126), mark);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), version);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(126), mark);
        }
        return [.. header, .. body.ToArray()];
    }

    byte[] U32(uint v)
    {
        var b = new byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    void Tag(Stream s, int type, uint size)
    {
        s.Write(U32((uint)type));
        s.Write(U32(size));
    }

    /// <summary>A sub-element: small format for 1..4 bytes, else tag, data and padding to 8 bytes.</summary>
    void Element(Stream s, int type, byte[] data)
    {
        if (data.Length is > 0 and <= 4)
        {
            s.Write(U32(((uint)data.Length << 16) | (uint)type));
            s.Write([.. data, .. new byte[4 - data.Length]]);
            return;
        }
        Tag(s, type, (uint)data.Length);
        s.Write(data);
        s.Write(new byte[(8 - data.Length % 8) % 8]);
    }

    byte[] Encode(int type, double v)
    {
        byte[] b;
        switch (type)
        {
            case TypeUInt8: return [(byte)v];
            case TypeUInt16:
                b = new byte[2];
                if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v);
                else BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v);
                return b;
            case TypeDouble:
                b = new byte[8];
                if (bigEndian) BinaryPrimitives.WriteDoubleBigEndian(b, v); else BinaryPrimitives.WriteDoubleLittleEndian(b, v);
                return b;
            default: throw new ArgumentException($"type {type}");
        }
    }

    /// <summary>
    /// The pixel of SVHN image n, channel c, row h, column w in the synthetic files: distinct in each of the four
    /// indices, so any transposition shows.
    /// </summary>
    public static int Pixel(int n, int c, int h, int w) => (7 * h + 3 * w + 50 * c + 11 * n) % 256;

    /// <summary>X as MATLAB holds it: 32x32x3xN, column-major, X(h, w, c, n) = pixel at row h, column w.</summary>
    public static double[] SvhnX(int count)
    {
        var x = new double[32 * 32 * 3 * count];
        for (int n = 0; n < count; n++)
            for (int c = 0; c < 3; c++)
                for (int w = 0; w < 32; w++)
                    for (int h = 0; h < 32; h++)
                        x[h + 32 * (w + 32 * (c + 3 * n))] = Pixel(n, c, h, w);
        return x;
    }

    /// <summary>A MAT file with SVHN's variables (plus an unrelated one MATLAB-style files may carry).</summary>
    public static byte[] Svhn(double[] labels, bool bigEndian = false, bool compress = false, int yStorage = TypeDouble) =>
        new MatBytes(bigEndian, compress)
            .Add("description", ClassChar, [1, 2], TypeUInt16, [(double)'h', (double)'i'])
            .Add("X", ClassUInt8, [32, 32, 3, labels.Length], TypeUInt8, SvhnX(labels.Length))
            .Add("y", ClassDouble, [labels.Length, 1], yStorage, labels)
            .ToArray();
}
