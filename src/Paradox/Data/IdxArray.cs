namespace Paradox.Data;

/// <summary>The contents of one unsigned-byte IDX file: its dimensions and its elements in row-major order.</summary>
public sealed class IdxArray(string path, int[] shape, byte[] data)
{
    public string Path { get; } = path;
    public int[] Shape { get; } = shape;
    public byte[] Data { get; } = data;

    /// <summary>The shape as IDX tools print it, e.g. "10000x28x28".</summary>
    public string ShapeText => string.Join("x", Shape);
}
