using System.Collections;
using System.Text.Json.Nodes;
using Paradox.Data;
using Paradox.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Networks;

/// <summary>
/// Reads and writes networks: PyTorch `state_dict` files written by `torch.save` (the paper's models; the
/// architecture must be named with --net), ONNX files (`.onnx`, see <see cref="Interop.OnnxImporter"/>) and the
/// project's checkpoints, which carry the architecture, dataset and normalisation so that no --net is needed.
/// </summary>
public static class ModelFile
{
    /// <summary>What the caller knows about the model (from --net, --dataset, --unnormalized); null = take it from the file.</summary>
    public sealed record Hints(string? Net, DatasetInfo? Dataset, bool? Normalized);

    public static Network Load(string path, Hints hints, Device? device = null)
    {
        device ??= CPU;
        if (!File.Exists(path)) throw new ParadoxException($"--model: file not found: {path}");
        if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".onnx.gz", StringComparison.OrdinalIgnoreCase))
            return Interop.OnnxImporter.Load(path, hints.Dataset, device);
        return TensorFile.HasMagic(path) ? LoadCheckpoint(path, hints, device) : LoadPyTorch(path, hints, device);
    }

    static Network LoadPyTorch(string path, Hints hints, Device device)
    {
        var state = ReadPyTorchStateDict(path);
        try
        {
            if (hints.Net is null) throw new ParadoxException($"{path}: a PyTorch state_dict does not record its architecture: pass --net");
            if (hints.Dataset is null)
                throw new ParadoxException($"{path}: a PyTorch state_dict does not record its dataset: pass --dataset");
            bool normalized = hints.Normalized ?? true;
            var network = Architectures.Build(hints.Net, hints.Dataset, normalized, device: device);
            try { network.LoadStateDict(state, path, restoreNormalization: false); }
            catch { network.Dispose(); throw; }
            return network;
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    /// <summary>Reads a `torch.save(model.state_dict())` zip file into a key -> tensor map (on the CPU).</summary>
    public static Dictionary<string, Tensor> ReadPyTorchStateDict(string path)
    {
        using (var fs = File.OpenRead(path))
        {
            Span<byte> head = stackalloc byte[2];
            if (fs.Read(head) != 2 || head[0] != (byte)'P' || head[1] != (byte)'K')
                throw new ParadoxException($"{path}: not a PyTorch state_dict (zip format written by torch.save) nor a Paradox checkpoint");
        }
        Hashtable table;
        try
        {
            using var fs = File.OpenRead(path);
            table = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(fs);
        }
        catch (Exception e) when (e is not ParadoxException)
        {
            throw new ParadoxException(
                $"{path}: cannot read PyTorch state_dict ({FirstLine(e.Message)}); the file may be truncated or corrupt", e);
        }
        var result = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Value is not Tensor t)
                throw new ParadoxException(
                    $"{path}: entry '{entry.Key}' is not a tensor; save the model's state_dict(), not the model object");
            result[(string)entry.Key] = t.cpu();
        }
        return result;
    }

    static Network LoadCheckpoint(string path, Hints hints, Device device)
    {
        var (meta, tensors) = TensorFile.Read(path);
        try
        {
            var net = (string?)meta["architecture"] ?? throw new ParadoxException($"{path}: checkpoint lacks 'architecture'");
            var dataset = DatasetInfo.Parse((string?)meta["dataset"] ?? throw new ParadoxException($"{path}: checkpoint lacks 'dataset'"));
            bool normalized = (bool?)meta["normalized"] ?? true;
            if (hints.Net is not null && Architectures.Canonical(hints.Net) != Architectures.Canonical(net))
                throw new ParadoxException($"{path}: checkpoint holds a {net} network but --net {hints.Net} was given");
            if (hints.Dataset is not null && hints.Dataset != dataset)
                throw new ParadoxException(
                    $"{path}: checkpoint was trained on {dataset.Name} but --dataset {hints.Dataset.Name} was given");
            if (hints.Normalized is { } wanted && wanted != normalized)
                throw new ParadoxException($"{path}: checkpoint holds a network {(normalized ? "with" : "without")} a Normalize layer " +
                    $"but {(wanted ? "--unnormalized false" : "--unnormalized")} was given");
            var network = Architectures.Build(net, dataset, normalized, device: device);
            var weights = tensors.Where(kv => kv.Key.StartsWith("layers.", StringComparison.Ordinal)).ToDictionary();
            try { network.LoadStateDict(weights, path, restoreNormalization: true); }
            catch { network.Dispose(); throw; }
            return network;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Writes the network (weights, buffers, architecture, dataset, normalisation) atomically, with extra
    /// tensors if given.</summary>
    public static void Save(string path, Network network, JsonObject? extraMetadata = null,
        IEnumerable<(string, Tensor)>? extraTensors = null)
    {
        var meta = new JsonObject
        {
            ["architecture"] = network.Architecture,
            ["dataset"] = network.Dataset.Name,
            ["normalized"] = network.Normalized,
            ["parameter_sha256"] = network.ParameterHash(),
        };
        if (extraMetadata is not null)
            foreach (var (k, v) in extraMetadata) meta[k] = v?.DeepClone();
        var tensors = network.NamedParameters().Select(p => (p.Key, (Tensor)p.Value))
            .Concat(network.NamedBuffers())
            .Concat(extraTensors ?? []);
        TensorFile.Write(path, meta, tensors);
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
