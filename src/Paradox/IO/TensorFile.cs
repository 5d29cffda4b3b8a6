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
        if (!all.AsSpan(0, Math.Min(all.Length, Magic.Length)).SequenceEqual(Magic))
            throw new ParadoxException($"{path}: not a Paradox checkpoint (bad magic)");
        if (all.Length < 16)
            throw new ParadoxException($"{path}: truncated checkpoint ({all.Length} bytes)");
        long headerLength = BitConverter.ToInt64(all, 8);
        if (headerLength <= 0 || 16 + headerLength > all.Length)
            throw new ParadoxException($"{path}: truncated checkpoint (header of {headerLength} bytes does not fit in {all.Length} bytes)");
        var header = Header.Parse(path, all.AsSpan(16, (int)headerLength));
        int dataStart = 16 + (int)headerLength;
        long dataLength = header.Entries.Sum(e => e.Length);
        if (dataStart + dataLength != all.Length)
            throw new ParadoxException(
                $"{path}: truncated or padded checkpoint (expected {dataStart + dataLength} bytes, found {all.Length})");
        var sha = Convert.ToHexStringLower(SHA256.HashData(all.AsSpan(dataStart)));
        if (sha != header.DataSha256)
            throw new ParadoxException($"{path}: checkpoint data is corrupt (checksum mismatch)");
        var tensors = new Dictionary<string, Tensor>();
        foreach (var entry in header.Entries)
        {
            var t = empty(entry.Shape, entry.DType);
            all.AsSpan(dataStart + (int)entry.Offset, (int)entry.Length).CopyTo(t.bytes);
            tensors[entry.Key] = t;
        }
        return (header.Metadata, tensors);
    }

    sealed record Entry(string Key, ScalarType DType, long[] Shape, long Offset, long Length);

    /// <summary>
    /// The JSON header, checked for consistency: the checksum covers only the data, so a damaged header must
    /// fail here (tensors laid out back to back, each exactly as long as its dtype and shape require).
    /// </summary>
    sealed record Header(JsonObject Metadata, IReadOnlyList<Entry> Entries, string DataSha256)
    {
        public static Header Parse(string path, ReadOnlySpan<byte> json)
        {
            try
            {
                var header = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("not a JSON object");
                var metadata = header["metadata"] as JsonObject ?? throw new FormatException("missing 'metadata'");
                var table = header["tensors"] as JsonArray ?? throw new FormatException("missing 'tensors'");
                var entries = new List<Entry>();
                long offset = 0;
                foreach (var node in table)
                {
                    var entry = ParseEntry(node as JsonObject ?? throw new FormatException("tensor entry is not an object"));
                    if (entry.Offset != offset)
                        throw new FormatException($"tensor '{entry.Key}' starts at {entry.Offset}, expected {offset}");
                    offset += entry.Length;
                    entries.Add(entry);
                }
                return new Header(metadata, entries, Value<string>(header, "data_sha256"));
            }
            // ArgumentException: a repeated property name
            catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
            {
                throw new ParadoxException($"{path}: corrupt checkpoint header ({e.Message})", e);
            }
        }

        static Entry ParseEntry(JsonObject node)
        {
            var key = Value<string>(node, "key");
            var dtypeName = Value<string>(node, "dtype");
            if (!Enum.GetNames<ScalarType>().Contains(dtypeName))
                throw new FormatException($"tensor '{key}' has unknown dtype '{dtypeName}'");
            var dtype = Enum.Parse<ScalarType>(dtypeName);
            var shape = (node["shape"] as JsonArray ?? throw new FormatException($"tensor '{key}' lacks 'shape'"))
                .Select(s => s is JsonValue v && v.TryGetValue(out long n) && n >= 0
                    ? n
                    : throw new FormatException($"tensor '{key}' has an invalid shape"))
                .ToArray();
            long offset = Value<long>(node, "offset"), length = Value<long>(node, "length");
            using var scalar = empty(0, dtype);
            double required = shape.Aggregate((double)scalar.ElementSize, (a, b) => a * b); // exact below 2^53, enough to compare
            if (length > Array.MaxLength || length != required)
                throw new FormatException(
                    $"tensor '{key}' of dtype {dtype} and shape [{string.Join(", ", shape)}] cannot occupy {length} bytes");
            return new Entry(key, dtype, shape, offset, length);
        }

        static T Value<T>(JsonObject node, string name) =>
            node[name] is JsonValue v && v.TryGetValue(out T? value) ? value : throw new FormatException($"missing or invalid '{name}'");
    }
}
