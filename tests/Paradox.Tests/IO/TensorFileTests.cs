using System.Text.Json.Nodes;
using Paradox.IO;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.IO;

public class TensorFileTests
{
    static readonly (string Key, float[] Values, long[] Shape)[] Written =
    [
        ("layers.1.weight", [1, -2, 3.5f, 4, 5, 6], [2, 3]),
        ("layers.1.bias", [0.25f, -0.5f], [2]),
    ];

    static string WriteSample(ScratchDir dir)
    {
        var path = dir.File("sample.ckpt");
        var tensors = Written.Select(w => (w.Key, tensor(w.Values).reshape(w.Shape))).ToList();
        TensorFile.Write(path, new JsonObject { ["architecture"] = "fc1" }, tensors);
        foreach (var (_, t) in tensors) t.Dispose();
        return path;
    }

    [Fact]
    public void Round_trip_keeps_keys_shapes_values_and_metadata()
    {
        using var dir = new ScratchDir();
        var path = WriteSample(dir);
        Assert.True(TensorFile.HasMagic(path));
        var (meta, tensors) = TensorFile.Read(path);
        Assert.Equal("fc1", (string?)meta["architecture"]);
        Assert.Equal(Written.Select(w => w.Key), tensors.Keys);
        foreach (var (key, values, shape) in Written)
        {
            Assert.Equal(shape, tensors[key].shape);
            Assert.Equal(values, tensors[key].data<float>().ToArray());
        }
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void Every_truncation_is_detected()
    {
        using var dir = new ScratchDir();
        var bytes = File.ReadAllBytes(WriteSample(dir));
        var path = dir.File("truncated.ckpt");
        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            var e = Assert.Throws<ParadoxException>(() => TensorFile.Read(path));
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void A_changed_byte_in_the_data_fails_the_checksum()
    {
        using var dir = new ScratchDir();
        var path = WriteSample(dir);
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ParadoxException>(() => TensorFile.Read(path));
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void A_header_with_a_repeated_property_is_a_corrupt_header()
    {
        using var dir = new ScratchDir();
        var path = dir.File("repeated.ckpt");
        var header = "{\"format\":1,\"metadata\":{},\"metadata\":{},\"tensors\":[],\"data_sha256\":\"\"}"u8.ToArray();
        File.WriteAllBytes(path, [.. "PDXCKPT1"u8, .. BitConverter.GetBytes((long)header.Length), .. header]);
        var e = Assert.Throws<ParadoxException>(() => TensorFile.Read(path));
        Assert.Contains("corrupt checkpoint header", e.Message);
    }

    /// <summary>
    /// A single flipped bit anywhere (magic, header length, JSON header, data) either fails as a ParadoxException
    /// or leaves every tensor's values as written: it never crashes another way or returns other numbers.
    /// </summary>
    [Theory]
    [InlineData(0x01)]
    [InlineData(0x02)]
    [InlineData(0x10)]
    public void A_flipped_bit_anywhere_is_rejected_or_harmless(byte bit)
    {
        using var dir = new ScratchDir();
        var original = File.ReadAllBytes(WriteSample(dir));
        var path = dir.File("corrupt.ckpt");
        for (int i = 0; i < original.Length; i++)
        {
            var bytes = (byte[])original.Clone();
            bytes[i] ^= bit;
            File.WriteAllBytes(path, bytes);
            Dictionary<string, Tensor> tensors;
            try { (_, tensors) = TensorFile.Read(path); }
            catch (ParadoxException) { continue; }
            Assert.Equal(Written.Length, tensors.Count);
            foreach (var ((_, values, shape), t) in Written.Zip(tensors.Values))
            {
                Assert.Equal(shape, t.shape);
                Assert.Equal(values, t.data<float>().ToArray());
            }
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
