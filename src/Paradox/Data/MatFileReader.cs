using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Paradox.Data;

/// <summary>
/// Reads named real numeric arrays from a MATLAB level-5 MAT file (the format of <c>save -v6</c> and <c>-v7</c>,
/// and of scipy's <c>savemat</c>): a 128-byte header whose last two bytes give the byte order, then data
/// elements, each a tag (type, byte count; or the small format: both in 4 bytes and up to 4 bytes of data)
/// followed by its data padded to 8 bytes. A variable is an miMATRIX element (array flags, dimensions, name,
/// real part), possibly wrapped in an miCOMPRESSED element (zlib). Other variables are skipped. Every problem is a
/// <see cref="ParadoxException"/> whose message starts with the file's path.
/// </summary>
public static class MatFileReader
{
    const int HeaderSize = 128;
    const int ComplexFlag = 0x08;

    /// <summary>The variables of <paramref name="path"/> named in <paramref name="names"/> that the file holds.</summary>
    public static IReadOnlyDictionary<string, MatArray> Read(string path, IReadOnlyCollection<string> names)
    {
        try
        {
            using var file = File.OpenRead(path);
            return Read(file, path, names);
        }
        catch (EndOfStreamException e)
        {
            throw new ParadoxException($"{path}: truncated MAT file (a data element ends past the end of the file)", e);
        }
        catch (InvalidDataException e)
        {
            throw new ParadoxException($"{path}: corrupt compressed data element in MAT file: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParadoxException($"{path}: cannot read MAT file: {e.Message}", e);
        }
    }

    static Dictionary<string, MatArray> Read(FileStream file, string path, IReadOnlyCollection<string> names)
    {
        var reader = new ElementReader(ReadHeader(file, path), path);
        var found = new Dictionary<string, MatArray>();
        while (file.Position < file.Length && found.Count < names.Count)
        {
            var tag = reader.ReadTag(file);
            if (tag.Small is not null)
                continue;
            long remaining = file.Length - file.Position;
            if (tag.Size > remaining)
                throw new EndOfStreamException();
            if (tag.Type == MatType.Compressed)
            {
                // zlib data is not padded; read it whole and parse the element inside.
                var compressed = new byte[tag.Size];
                file.ReadExactly(compressed);
                using var inflated = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
                var inner = reader.ReadTag(inflated);
                if (inner.Type == MatType.Matrix && reader.ReadMatrix(inflated, names) is { } array)
                    found.TryAdd(array.Name, array);
                continue;
            }
            long end = file.Position + Padded(tag.Size);
            if (tag.Type == MatType.Matrix && reader.ReadMatrix(file, names) is { } variable)
                found.TryAdd(variable.Name, variable);
            file.Position = Math.Min(end, file.Length);
        }
        return found;
    }

    /// <summary>Checks the header and returns whether the file is big-endian.</summary>
    static bool ReadHeader(Stream file, string path)
    {
        var header = new byte[HeaderSize];
        int read = file.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        string text = Encoding.ASCII.GetString(header, 0, Math.Min(read, 116)).TrimEnd('\0', ' ');
        if (read < HeaderSize)
            throw new ParadoxException($"{path}: not a MATLAB level-5 MAT file (only {read} bytes, shorter than the 128-byte header)");
        if (text.StartsWith("MATLAB 7.3", StringComparison.Ordinal))
            throw new ParadoxException(
                $"{path}: MATLAB 7.3 (HDF5) MAT files are not supported; save it with -v7 (the format of the SVHN distribution)");
        bool bigEndian = (header[126], header[127]) switch
        {
            ((byte)'I', (byte)'M') => false,
            ((byte)'M', (byte)'I') => true,
            _ => throw new ParadoxException($"{path}: not a MATLAB level-5 MAT file (no 'IM'/'MI' byte-order mark at offset 126)"),
        };
        int version = bigEndian
            ? BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(124))
            : BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(124));
        if (version != 0x0100)
            throw new ParadoxException($"{path}: not a MATLAB level-5 MAT file (version 0x{version:x4} in the header, expected 0x0100)");
        return bigEndian;
    }

    internal static long Padded(long size) => (size + 7) & ~7L;

    internal static int SizeOf(MatType type) => type switch
    {
        MatType.Int8 or MatType.UInt8 => 1,
        MatType.Int16 or MatType.UInt16 => 2,
        MatType.Int32 or MatType.UInt32 or MatType.Single => 4,
        MatType.Int64 or MatType.UInt64 or MatType.Double => 8,
        _ => 0,
    };

    /// <summary>A tag: the type and byte count, and for the small format its (up to 4) data bytes.</summary>
    readonly record struct Tag(MatType Type, long Size, byte[]? Small);

    /// <summary>Reads tags and matrix elements in one byte order from the file or from a decompressed element.</summary>
    sealed class ElementReader(bool bigEndian, string path)
    {
        readonly byte[] scratch = new byte[8];

        uint UInt32(ReadOnlySpan<byte> s) =>
            bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);

        public Tag ReadTag(Stream stream)
        {
            stream.ReadExactly(scratch, 0, 8);
            uint first = UInt32(scratch.AsSpan(0, 4));
            if (first >> 16 != 0)
                return new Tag((MatType)(first & 0xFFFF), first >> 16, scratch.AsSpan(4, (int)Math.Min(first >> 16, 4)).ToArray());
            return new Tag((MatType)first, UInt32(scratch.AsSpan(4, 4)), null);
        }

        /// <summary>The bytes of a sub-element (small, or read and its padding skipped).</summary>
        byte[] ReadData(Stream stream, Tag tag, string what)
        {
            if (tag.Small is not null)
                return tag.Small;
            if (tag.Size > Array.MaxLength)
                throw new ParadoxException($"{path}: {what} of {tag.Size} bytes is too large");
            var data = new byte[tag.Size];
            stream.ReadExactly(data);
            Skip(stream, Padded(tag.Size) - tag.Size);
            return data;
        }

        static void Skip(Stream stream, long count)
        {
            Span<byte> buffer = stackalloc byte[8];
            for (; count > 0; count -= 8)
                stream.ReadExactly(buffer[..(int)Math.Min(count, 8)]);
        }

        Tag Expect(Stream stream, string what, params MatType[] types)
        {
            var tag = ReadTag(stream);
            if (!types.Contains(tag.Type))
                throw new ParadoxException($"{path}: malformed MAT matrix: its {what} has data type {(int)tag.Type}, " +
                    $"expected {string.Join(" or ", types)}");
            return tag;
        }

        /// <summary>
        /// Reads the body of an miMATRIX element (the stream is just past its tag). Returns null, without reading
        /// the data, for a variable not in <paramref name="names"/>.
        /// </summary>
        public MatArray? ReadMatrix(Stream stream, IReadOnlyCollection<string> names)
        {
            var flags = ReadData(stream, Expect(stream, "array flags", MatType.UInt32), "array flags");
            if (flags.Length < 4)
                throw new ParadoxException($"{path}: malformed MAT matrix: array flags of {flags.Length} bytes");
            uint word = UInt32(flags.AsSpan(0, 4));
            var @class = (MatClass)(word & 0xFF);
            bool complex = ((word >> 8) & ComplexFlag) != 0;

            var dimBytes = ReadData(stream, Expect(stream, "dimensions", MatType.Int32), "dimensions");
            var dims = new int[dimBytes.Length / 4];
            for (int i = 0; i < dims.Length; i++)
                dims[i] = (int)UInt32(dimBytes.AsSpan(4 * i, 4));

            var nameTag = Expect(stream, "name", MatType.Int8, MatType.UInt8, MatType.Utf8);
            string name = Encoding.UTF8.GetString(ReadData(stream, nameTag, "array name")).TrimEnd('\0');
            if (!names.Contains(name))
                return null;

            if (@class is < MatClass.Double or > MatClass.UInt64)
                throw new ParadoxException($"{path}: variable '{name}' is a {@class} array, expected a numeric array");
            if (complex)
                throw new ParadoxException($"{path}: variable '{name}' is complex, expected a real array");
            if (dims.Any(d => d < 0))
                throw new ParadoxException($"{path}: variable '{name}' has a negative dimension ({string.Join("x", dims)})");

            var realTag = ReadTag(stream);
            int size = SizeOf(realTag.Type);
            if (size == 0)
                throw new ParadoxException(
                    $"{path}: variable '{name}' stores its values with data type {(int)realTag.Type}, which is not numeric");
            long count = dims.Aggregate(1L, (a, d) => a * d);
            if (realTag.Size != count * size)
                throw new ParadoxException($"{path}: variable '{name}' is {string.Join("x", dims)} ({count} values) " +
                    $"but holds {realTag.Size} bytes of {realTag.Type}");
            return new MatArray(name, @class, dims, realTag.Type, ReadData(stream, realTag, $"variable '{name}'"), bigEndian);
        }
    }
}
