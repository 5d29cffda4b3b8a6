using System.Buffers.Binary;
using System.Text;

namespace Paradox.Data;

/// <summary>MAT-file level-5 data types (the type field of a data element's tag).</summary>
public enum MatType
{
    Int8 = 1, UInt8 = 2, Int16 = 3, UInt16 = 4, Int32 = 5, UInt32 = 6, Single = 7, Double = 9,
    Int64 = 12, UInt64 = 13, Matrix = 14, Compressed = 15, Utf8 = 16, Utf16 = 17, Utf32 = 18,
}

/// <summary>MATLAB array classes (the class byte of a matrix's array flags).</summary>
public enum MatClass
{
    Cell = 1, Struct = 2, Object = 3, Char = 4, Sparse = 5, Double = 6, Single = 7, Int8 = 8, UInt8 = 9,
    Int16 = 10, UInt16 = 11, Int32 = 12, UInt32 = 13, Int64 = 14, UInt64 = 15,
}

/// <summary>
/// A real numeric array read from a MAT file: its class, its dimensions (MATLAB order, the data column-major)
/// and its values as stored. MATLAB often stores an array in a smaller type than its class (a double array of
/// small integers as uint8), so <see cref="Storage"/> and <see cref="Class"/> may differ; <see cref="this[long]"/>
/// reads any storage type.
/// </summary>
public sealed class MatArray(string name, MatClass @class, int[] dimensions, MatType storage, byte[] data, bool bigEndian)
{
    public string Name { get; } = name;
    public MatClass Class { get; } = @class;
    public int[] Dimensions { get; } = dimensions;
    public MatType Storage { get; } = storage;

    /// <summary>The stored bytes, in the file's byte order.</summary>
    public byte[] Data { get; } = data;

    public long Count => Dimensions.Aggregate(1L, (a, d) => a * d);

    public string DimensionsText => string.Join("x", Dimensions);

    /// <summary>Element <paramref name="i"/> (column-major linear index) as a double.</summary>
    public double this[long i]
    {
        get
        {
            int size = MatFileReader.SizeOf(Storage);
            var s = Data.AsSpan((int)(i * size), size);
            return Storage switch
            {
                MatType.Int8 => (sbyte)s[0],
                MatType.UInt8 => s[0],
                MatType.Int16 => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s),
                MatType.UInt16 => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s),
                MatType.Int32 => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(s) : BinaryPrimitives.ReadInt32LittleEndian(s),
                MatType.UInt32 => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s),
                MatType.Int64 => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(s) : BinaryPrimitives.ReadInt64LittleEndian(s),
                MatType.UInt64 => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s),
                MatType.Single => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(s) : BinaryPrimitives.ReadSingleLittleEndian(s),
                MatType.Double => bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s),
                _ => throw new InvalidOperationException($"{Storage} is not a numeric storage type"),
            };
        }
    }
}
