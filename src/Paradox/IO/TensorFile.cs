using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.IO;

/// <summary>
/// The project's container for checkpoints: a JSON header (free-form metadata plus a tensor table) followed
/// by the raw little-endian tensor bytes, with a SHA-256 of the data so truncation or corruption is caught.
/// Layout: 8-byte magic `PDXCKPT1`, int64 header length, UTF-8 JSON header, data.
/// </summary>
public static class TensorFile
{
    static readonly byte[] Magic = "PDXCKPT1"u8.ToArray();

    public static bool HasMagic(string path)
    {
        using var fs = File.OpenRead(path);
        var head = new byte[Magic.Length];
        return fs.Read(head) == Magic.Length && head.AsSpan().SequenceEqual(Magic);
    }

    public static void Write(string path, JsonObject metadata, IEnumerable<(string Key, Tensor Value)> tensors)
    {
        var table = new JsonArray();
        using var data = new MemoryStream();
        foreach (var (key, value) in tensors)
        {
            var bytes = value.detach().cpu().contiguous().bytes.ToArray();
            table.Add(new JsonObject
            {
                ["key"] = key,
                ["dtype"] = value.dtype.ToString(),
                ["shape"] = new JsonArray(value.shape.Select(s => (JsonNode)s).ToArray()),
                ["offset"] = data.Position,
                ["length"] = bytes.Length,
            });
            data.Write(bytes);
        }
        var header = new JsonObject
        {
            ["format"] = 1,
            ["metadata"] = metadata.DeepClone(),
            ["tensors"] = table,
            ["data_sha256"] = Convert.ToHexStringLower(SHA256.HashData(data.GetBuffer().AsSpan(0, (int)data.Length))),
        };
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        AtomicFile.Write(path, s =>
        {
            s.Write(Magic);
            s.Write(BitConverter.GetBytes((long)headerBytes.Length));
            s.Write(headerBytes);
            data.Position = 0;
            data.CopyTo(s);
        });
    }

    public static (JsonObject Metadata, Dictionary<string, Tensor> Tensors) Read(string path)
    {
        byte[] all = File.ReadAllBytes(path);
        if (all.Length < 16 || !all.AsSpan(0, 8).SequenceEqual(Magic))
            throw new ParadoxException($"{path}: not a Paradox checkpoint (bad magic)");
        long headerLength = BitConverter.ToInt64(all, 8);
        if (headerLength <= 0 || 16 + headerLength > all.Length)
            throw new ParadoxException($"{path}: truncated checkpoint (header of {headerLength} bytes does not fit in {all.Length} bytes)");
        JsonObject header;
        try { header = JsonNode.Parse(all.AsSpan(16, (int)headerLength))!.AsObject(); }
        catch (JsonException e) { throw new ParadoxException($"{path}: corrupt checkpoint header ({e.Message})", e); }
        int dataStart = 16 + (int)headerLength;
        var table = header["tensors"]!.AsArray();
        long dataLength = table.Sum(t => (long)t!["length"]!);
        if (dataStart + dataLength != all.Length)
            throw new ParadoxException($"{path}: truncated or padded checkpoint (expected {dataStart + dataLength} bytes, found {all.Length})");
        var sha = Convert.ToHexStringLower(SHA256.HashData(all.AsSpan(dataStart)));
        if (sha != (string?)header["data_sha256"])
            throw new ParadoxException($"{path}: checkpoint data is corrupt (checksum mismatch)");
        var tensors = new Dictionary<string, Tensor>();
        foreach (var entry in table)
        {
            var dtype = Enum.Parse<ScalarType>((string)entry!["dtype"]!);
            var shape = entry["shape"]!.AsArray().Select(s => (long)s!).ToArray();
            int offset = dataStart + (int)(long)entry["offset"]!, length = (int)entry["length"]!;
            var t = empty(shape, dtype);
            all.AsSpan(offset, length).CopyTo(t.bytes);
            tensors[(string)entry["key"]!] = t;
        }
        return (header["metadata"]!.AsObject(), tensors);
    }
}
