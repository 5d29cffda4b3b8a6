using System.Buffers.Binary;

namespace Paradox.Tests.Data;

/// <summary>Builds IDX files in memory for the reader tests.</summary>
static class IdxBytes
{
    /// <summary>The bytes of an IDX file: magic 00 00 type ndims, big-endian sizes, then the data.</summary>
    public static byte[] Idx(int[] shape, byte[] data, byte type = 0x08)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        data.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    /// <summary>IDX images [count, 28, 28] whose pixel i of image n is (n + i) mod 256.</summary>
    public static byte[] MnistLikeImages(int count) =>
        Idx([count, 28, 28], [.. Enumerable.Range(0, count * 784).Select(k => (byte)(k / 784 + k % 784))]);

    public static byte[] Labels(params byte[] labels) => Idx([labels.Length], labels);
}
