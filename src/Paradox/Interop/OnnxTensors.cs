using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Paradox.Interop;

/// <summary>ONNX TensorProto to and from TorchSharp tensors (CPU; floating point read as float64, integers as int64).</summary>
internal static class OnnxTensors
{
    const int Float = 1, Int32 = 6, Int64 = 7, Double = 11;

    public static Tensor Read(TensorProto t, string where)
    {
        long[] dims = t.Dims.ToArray();
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new ParadoxException(
                $"{where}: tensor '{t.Name}' uses external data, which is not supported (save the model with its weights inside)");
        var raw = t.RawData.Span;
        Tensor result = t.DataType switch
        {
            Float => tensor(raw.Length > 0 ? Cast<float>(raw, count, t, where) : t.FloatData.ToArray()).to(float64),
            Double => tensor(raw.Length > 0 ? Cast<double>(raw, count, t, where) : t.DoubleData.ToArray()),
            Int64 => tensor(raw.Length > 0 ? Cast<long>(raw, count, t, where) : t.Int64Data.ToArray()),
            Int32 => tensor(raw.Length > 0 ? Cast<int>(raw, count, t, where) : t.Int32Data.ToArray()).to(ScalarType.Int64),
            _ => throw new ParadoxException(
                $"{where}: tensor '{t.Name}' has data type {t.DataType}; supported: float, double, int32, int64"),
        };
        if (result.numel() != count)
            throw new ParadoxException($"{where}: tensor '{t.Name}' holds {result.numel()} values " +
                $"but its shape [{string.Join(", ", dims)}] needs {count}");
        return result.reshape(dims);
    }

    static T[] Cast<T>(ReadOnlySpan<byte> raw, long count, TensorProto t, string where) where T : unmanaged
    {
        int size = System.Runtime.InteropServices.Marshal.SizeOf<T>();
        if (raw.Length != count * size)
            throw new ParadoxException($"{where}: tensor '{t.Name}' has {raw.Length} raw bytes, its shape needs {count * size}");
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(raw).ToArray(); // ONNX raw data is little-endian, as is x64
    }

    /// <summary>A float32 initializer with raw data.</summary>
    public static TensorProto Float32(string name, Tensor value)
    {
        var data = value.detach().cpu().to(float32).contiguous().data<float>().ToArray();
        var proto = new TensorProto
        {
            Name = name, DataType = Float,
            RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()))
        };
        proto.Dims.AddRange(value.shape);
        return proto;
    }

    public static TensorProto Int64s(string name, long[] values)
    {
        var proto = new TensorProto { Name = name, DataType = Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        return proto;
    }
}
