using Paradox.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Networks;

/// <summary>How fresh weights are drawn (`--init_method`).</summary>
public enum InitMethod { Default, Ibp, KaimingNormal, XavierNormal, Orthogonal }

/// <summary>The paper's architectures by the names users type, built as explicit layer lists.</summary>
public static class Architectures
{
    abstract record Block;
    sealed record Dense(long Units) : Block;
    sealed record Conv(long Channels, long Kernel, long Stride, long Padding) : Block;

    static Block[] Fc(params long[] units) => units.Select(u => (Block)new Dense(u)).ToArray();

    static readonly (string[] Names, Block[] Blocks)[] Catalogue =
    [
        (["FC", "fc5"], Fc(400, 200, 100, 100, 10)),
        (["FC-SMALL", "fc3"], Fc(100, 100, 10)),
        (["fc1"], Fc(100, 10)),
        (["fc2"], Fc(50, 50, 10)),
        (["fc4"], Fc(100, 100, 100, 10)),
        (["CONV", "conv0"], [new Conv(16, 4, 2, 1), new Dense(100), new Dense(10)]),
        (["CONVPLUS", "dm-small"], [new Conv(16, 4, 2, 0), new Conv(32, 4, 1, 0), new Dense(100), new Dense(10)]),
        (["dm-medium"], [new Conv(32, 3, 1, 0), new Conv(32, 4, 2, 0), new Conv(64, 3, 1, 0), new Conv(64, 4, 2, 0),
            new Dense(512), new Dense(512), new Dense(10)]),
        (["dm-large"], [new Conv(64, 3, 1, 1), new Conv(64, 3, 1, 1), new Conv(128, 3, 2, 1), new Conv(128, 3, 1, 1),
            new Conv(128, 3, 1, 1), new Dense(512), new Dense(10)]),
    ];

    public static IEnumerable<string> Names => Catalogue.SelectMany(c => c.Names);

    /// <summary>The canonical name for a user-typed architecture name (case-insensitive, aliases accepted).</summary>
    public static string Canonical(string name) =>
        Catalogue.FirstOrDefault(c => c.Names.Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase))).Names?[0]
        ?? throw new ParadoxException($"--net: unknown architecture '{name}' (known: {string.Join(", ", Names)})");

    public static InitMethod ParseInit(string name) => name.ToLowerInvariant().Replace("_", "-") switch
    {
        "default" or "" => InitMethod.Default,
        "ibp" => InitMethod.Ibp,
        "kaiming-normal" => InitMethod.KaimingNormal,
        "xavier-normal" => InitMethod.XavierNormal,
        "orthogonal" => InitMethod.Orthogonal,
        _ => throw new ParadoxException(
            $"--init_method: unknown method '{name}' (expected default, ibp, kaiming-normal, xavier-normal, orthogonal)"),
    };

    /// <summary>Builds the network with freshly initialised weights drawn from <paramref name="generator"/>.</summary>
    public static Network Build(string name, DatasetInfo dataset, bool normalized = true, InitMethod init = InitMethod.Default,
        Generator? generator = null, Device? device = null)
    {
        device ??= CPU;
        var canonical = Canonical(name);
        var blocks = Catalogue.First(c => c.Names[0] == canonical).Blocks;
        var layers = new List<Layer>();
        long[] shape = dataset.ImageShape;
        if (normalized) layers.Add(new NormalizeLayer(dataset.Mean, dataset.Sigma, device) { InputShape = shape, OutputShape = shape });
        for (int i = 0; i < blocks.Length; i++)
        {
            AffineLayer affine;
            if (blocks[i] is Conv c)
            {
                if (shape.Length != 3) throw new InvalidOperationException("convolution after flatten");
                affine = new Conv2dLayer(shape[0], c.Channels, c.Kernel, c.Stride, c.Padding, shape, device);
            }
            else
            {
                var d = (Dense)blocks[i];
                if (shape.Length != 1)
                {
                    long flat = shape.Aggregate(1L, (a, b) => a * b);
                    layers.Add(new FlattenLayer { InputShape = shape, OutputShape = [flat] });
                    shape = [flat];
                }
                affine = new LinearLayer(shape[0], d.Units, device);
            }
            layers.Add(affine);
            shape = affine.OutputShape;
            if (i < blocks.Length - 1) layers.Add(new ReluLayer { InputShape = shape, OutputShape = shape });
        }
        if (dataset.Classes != shape[0]) throw new InvalidOperationException("last layer does not match the class count");
        var network = new Network(canonical, dataset, normalized, layers, device);
        Initialize(network, init, generator);
        return network;
    }

    /// <summary>Draws new weights: PyTorch's defaults unless another method is chosen; biases keep PyTorch's default.</summary>
    public static void Initialize(Network network, InitMethod init, Generator? generator = null)
    {
        using var _ = no_grad();
        var affine = network.Layers.OfType<AffineLayer>().ToList();
        for (int i = 0; i < affine.Count; i++)
        {
            var w = affine[i].Weight;
            long fanIn = w.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            long fanOut = w.shape[0] * w.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
            double bound = 1.0 / Math.Sqrt(fanIn); // kaiming_uniform(a = sqrt(5)) and PyTorch's bias rule
            bool last = i == affine.Count - 1;
            using var fresh = init switch
            {
                InitMethod.Ibp when !last => randn(w.shape, generator: generator) * (Math.Sqrt(2 * Math.PI) / fanIn),
                InitMethod.KaimingNormal => randn(w.shape, generator: generator) * Math.Sqrt(2.0 / fanIn),
                InitMethod.XavierNormal => randn(w.shape, generator: generator) * Math.Sqrt(2.0 / (fanIn + fanOut)),
                InitMethod.Orthogonal => Orthogonal(w.shape, generator),
                _ => rand(w.shape, generator: generator) * (2 * bound) - bound,
            };
            w.copy_(fresh);
            using var b = rand(affine[i].Bias.shape, generator: generator) * (2 * bound) - bound;
            affine[i].Bias.copy_(b);
        }
    }

    // A (semi-)orthogonal matrix from the QR decomposition of a Gaussian one, signs fixed as in PyTorch.
    static Tensor Orthogonal(long[] shape, Generator? generator)
    {
        long rows = shape[0], cols = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        using var flat = randn([Math.Max(rows, cols), Math.Min(rows, cols)], generator: generator);
        var (q, r) = linalg.qr(flat);
        using var signs = r.diagonal().sign();
        var result = q * signs;
        if (rows < cols) result = result.t();
        return result.contiguous().reshape(shape);
    }
}
