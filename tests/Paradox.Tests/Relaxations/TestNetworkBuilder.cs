using Paradox.Data;
using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// Small hand-wired networks for the relaxation tests: layers are added in order with the shapes wired as in
/// <see cref="Architectures.Build"/>, weights drawn by <see cref="Architectures.Initialize"/> from a seeded
/// generator; <see cref="Set"/> overwrites single rows to plant zero, tied or duplicated neurons.
/// </summary>
sealed class TestNetworkBuilder(long[] inputShape)
{
    readonly List<Layer> layers = [];
    long[] shape = inputShape;
    float[] mean = [], sigma = [];
    readonly List<(int Affine, Action<AffineLayer> Edit)> edits = [];

    public TestNetworkBuilder Normalize(float[] mean, float[] sigma)
    {
        this.mean = mean;
        this.sigma = sigma;
        return Add(new NormalizeLayer(mean, sigma) { InputShape = shape, OutputShape = shape });
    }

    public TestNetworkBuilder Flatten()
    {
        long flat = shape.Aggregate(1L, (a, b) => a * b);
        return Add(new FlattenLayer { InputShape = shape, OutputShape = [flat] });
    }

    public TestNetworkBuilder Linear(long outFeatures) => Add(new LinearLayer(shape[0], outFeatures));

    public TestNetworkBuilder Conv(long outChannels, long kernel, long stride, long padding) =>
        Add(new Conv2dLayer(shape[0], outChannels, kernel, stride, padding, shape));

    public TestNetworkBuilder Relu() => Add(new ReluLayer { InputShape = shape, OutputShape = shape });

    /// <summary>After initialisation, edits the affine layer with this position among the affine layers (0 = first).</summary>
    public TestNetworkBuilder Set(int affine, Action<AffineLayer> edit)
    {
        edits.Add((affine, edit));
        return this;
    }

    TestNetworkBuilder Add(Layer layer)
    {
        layers.Add(layer);
        shape = layer.OutputShape;
        return this;
    }

    public Network Build(ulong seed)
    {
        long[] input = layers[0].InputShape;
        int classes = (int)shape[0];
        var info = input.Length == 3
            ? new DatasetInfo("synthetic", (int)input[0], (int)input[1], (int)input[2], classes, mean, sigma)
            : new DatasetInfo("synthetic", 1, 1, (int)input[0], classes, mean, sigma);
        var network = new Network("synthetic", info, mean.Length > 0, layers, CPU);
        using var generator = new Generator(seed);
        Architectures.Initialize(network, InitMethod.Default, generator);
        var affine = network.Layers.OfType<AffineLayer>().ToList();
        using (no_grad())
            foreach (var (index, edit) in edits)
                edit(affine[index]);
        return network;
    }

    /// <summary>Overwrites row <paramref name="row"/> of a Linear layer: the given (input, weight) entries, zero
    /// elsewhere, and the bias.</summary>
    public static Action<AffineLayer> Row(long row, float bias, params (long Input, float Weight)[] entries) => layer =>
    {
        layer.Weight[row].zero_();
        foreach (var (input, weight) in entries) layer.Weight[row, input] = weight;
        layer.Bias[row].fill_(bias);
    };

    /// <summary>Makes row <paramref name="copy"/> of a Linear layer an exact duplicate of row <paramref name="source"/>.</summary>
    public static Action<AffineLayer> Duplicate(long source, long copy) => layer =>
    {
        layer.Weight[copy].copy_(layer.Weight[source]);
        layer.Bias[copy].copy_(layer.Bias[source]);
    };
}
