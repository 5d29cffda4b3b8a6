using System.Security.Cryptography;
using Paradox.Data;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Paradox.Networks;

/// <summary>
/// A feed-forward network as an explicit list of layers. State-dict keys are `layers.{index}.{name}`,
/// exactly as in the paper's PyTorch `Sequential` (index 0 is the Normalize layer when present).
/// </summary>
public sealed class Network : IDisposable
{
    public string Architecture { get; }
    public DatasetInfo Dataset { get; }
    public bool Normalized { get; }
    public IReadOnlyList<Layer> Layers { get; }
    public Device Device { get; private set; }

    public Network(string architecture, DatasetInfo dataset, bool normalized, IReadOnlyList<Layer> layers, Device device)
    {
        Architecture = architecture;
        Dataset = dataset;
        Normalized = normalized;
        Layers = layers;
        Device = device;
    }

    public Tensor Forward(Tensor x)
    {
        var h = x;
        foreach (var layer in Layers)
        {
            var next = layer.Forward(h);
            if (!ReferenceEquals(h, x)) h.Dispose();
            h = next;
        }
        return h;
    }

    public int NumClasses => (int)Layers.OfType<AffineLayer>().Last().Weight.shape[0];

    public IEnumerable<(string Key, Parameter Value)> NamedParameters()
    {
        for (int i = 0; i < Layers.Count; i++)
            foreach (var (name, p) in Layers[i].Parameters())
                yield return ($"layers.{i}.{name}", p);
    }

    public IEnumerable<(string Key, Tensor Value)> NamedBuffers()
    {
        for (int i = 0; i < Layers.Count; i++)
            foreach (var (name, b) in Layers[i].Buffers())
                yield return ($"layers.{i}.{name}", b);
    }

    public IReadOnlyList<Parameter> Parameters() => NamedParameters().Select(p => p.Value).ToList();

    public long ParameterCount => NamedParameters().Sum(p => p.Value.numel());

    public void SetRequiresGrad(bool value)
    {
        foreach (var (_, p) in NamedParameters()) p.requires_grad = value;
    }

    /// <summary>Indices of the ReLU layers, in order (the layers whose pre-activation bounds the engines report).</summary>
    /// <summary>ReLU neurons over all ReLU layers (a complete verifier's binary variables in the worst case).</summary>
    public long ReluNeuronCount => ReluIndices.Sum(i => Layers[i - 1].OutputShape.Aggregate(1L, (a, b) => a * b));

    public IReadOnlyList<int> ReluIndices => Enumerable.Range(0, Layers.Count).Where(i => Layers[i] is ReluLayer).ToList();

    /// <summary>
    /// Copies a state dict into the network. Every parameter key must be present with the right shape and no
    /// unknown key may remain. Normalize buffers are optional; they are restored only when
    /// <paramref name="restoreNormalization"/> is set. The paper's files carry MNIST constants even for
    /// FashionMNIST models while the original code normalises with the --dataset constants (that is what
    /// reproduces its accuracies), so PyTorch imports keep the dataset constants.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, string source, bool restoreNormalization)
    {
        var expected = NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        var buffers = NamedBuffers().ToDictionary(b => b.Key, b => b.Value);
        foreach (var key in state.Keys.Order(StringComparer.Ordinal))
            if (!expected.ContainsKey(key) && !buffers.ContainsKey(key))
                throw new ParadoxException($"{source}: unexpected key '{key}' (shape {ShapeText(state[key])}) for --net {Architecture}; " +
                    $"expected keys: {string.Join(", ", expected.Keys)}");
        foreach (var (key, p) in expected)
        {
            if (!state.TryGetValue(key, out var value))
                throw new ParadoxException($"{source}: missing key '{key}' (expected shape {ShapeText(p)}) for --net {Architecture}");
            if (!value.shape.SequenceEqual(p.shape))
                throw new ParadoxException(
                    $"{source}: key '{key}' has shape {ShapeText(value)} but --net {Architecture} needs {ShapeText(p)}");
            if (!is_floating_point(value))
                throw new ParadoxException($"{source}: key '{key}' has dtype {value.dtype}, expected a floating-point tensor");
            if (!isfinite(value).all().item<bool>())
                throw new ParadoxException($"{source}: key '{key}' contains NaN or infinite values");
        }
        foreach (var (key, p) in expected)
        {
            var layer = (AffineLayer)Layers[LayerIndex(key)];
            layer.Replace(key[(key.LastIndexOf('.') + 1)..], state[key]);
        }
        for (int i = 0; i < Layers.Count && restoreNormalization; i++)
        {
            if (Layers[i] is not NormalizeLayer norm) continue;
            bool hasMean = state.TryGetValue($"layers.{i}.mean", out var mean),
                hasSigma = state.TryGetValue($"layers.{i}.sigma", out var sigma);
            if (!hasMean && !hasSigma) continue;
            if (!hasMean || !hasSigma || mean!.numel() != norm.Channels || sigma!.numel() != norm.Channels)
                throw new ParadoxException(
                    $"{source}: Normalize buffers layers.{i}.mean/sigma must both be present with {norm.Channels} value(s)");
            if (!isfinite(mean).all().item<bool>() || !isfinite(sigma).logical_and(sigma.gt(0)).all().item<bool>())
                throw new ParadoxException($"{source}: Normalize buffers layers.{i}.mean/sigma must be finite, with sigma > 0");
            norm.SetConstants(mean, sigma);
        }
    }

    static int LayerIndex(string key) => int.Parse(key.Split('.')[1]);

    internal static string ShapeText(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    /// <summary>SHA-256 over every parameter's float32 values in state-dict order: equal hashes mean equal weights.</summary>
    public string ParameterHash()
    {
        using var sha = SHA256.Create();
        foreach (var (_, p) in NamedParameters())
        {
            var bytes = p.detach().cpu().contiguous().to(float32).bytes.ToArray();
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        sha.TransformFinalBlock([], 0, 0);
        return Convert.ToHexStringLower(sha.Hash!);
    }

    /// <summary>Moves the weights to <paramref name="device"/>, and converts them to <paramref name="dtype"/> if given
    /// (float64 checks).</summary>
    public Network To(Device device, ScalarType? dtype = null)
    {
        foreach (var layer in Layers) layer.MoveTo(device, dtype);
        Device = device;
        return this;
    }

    public void Dispose()
    {
        foreach (var layer in Layers) layer.Dispose();
    }
}
