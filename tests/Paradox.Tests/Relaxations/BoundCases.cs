using Paradox.Networks;
using Paradox.Relaxations;
using static Paradox.Tests.Relaxations.TestNetworkBuilder;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>A network with a batch of input boxes `B(x, eps)` clipped to [0,1] and the labels to certify.</summary>
sealed record BoundCase(string Name, ulong Seed, Network Network, Tensor X, Tensor Eps, Tensor Labels)
{
    public InputRegion Region { get; } = InputRegion.Ball(X, Eps);
    public override string ToString() => $"{Name} (seed {Seed})";
}

/// <summary>
/// The seeded networks and regions of the soundness tests: fully connected and convolutional networks with
/// random centres and eps (zero, per-sample, scalar), stride-1 convolution stacks, and a hand-wired network whose neurons are exactly zero,
/// tied (|l| = |u|), or sit exactly on a case boundary (l = 0, u = 0), with two tied output classes.
/// </summary>
static class BoundCases
{
    public static IReadOnlyList<BoundCase> All { get; } = SharedFixture.Create(Create);

    static IReadOnlyList<BoundCase> Create()
    {
        var fc = () => new TestNetworkBuilder([1, 6, 6]).Normalize([0.3f], [0.4f]).Flatten()
            .Linear(12).Relu().Linear(10).Relu().Linear(5);
        float[] perSample = [0f, 0.01f, 0.05f, 0.15f, 0.4f];
        return
        [
            Seeded("fc", 1, fc(), perSample),
            Seeded("fc", 2, fc(), perSample),
            Seeded("fc", 3, fc(), perSample),
            Seeded("fc-scalar-eps", 4, fc(), scalarEps: 0.08f),
            Seeded("fc-point-region", 5, fc(), scalarEps: 0f),
            Seeded("conv-1to3-k3-s1-p0", 6, new TestNetworkBuilder([1, 6, 6]).Conv(3, 3, 1, 0).Relu().Flatten()
                .Linear(10).Relu().Linear(4), perSample),
            Seeded("conv-1to3-k3-s2-p1", 7, new TestNetworkBuilder([1, 6, 6]).Conv(3, 3, 2, 1).Relu().Flatten()
                .Linear(4), perSample),
            Seeded("conv-2to4-k3-s2-p1-normalized", 8, new TestNetworkBuilder([2, 8, 8]).Normalize([0.4f, 0.6f], [0.3f, 0.5f])
                .Conv(4, 3, 2, 1).Relu().Flatten().Linear(10).Relu().Linear(4), perSample),
            Seeded("conv-2to4-k3-s1-p0", 9, new TestNetworkBuilder([2, 8, 8]).Conv(4, 3, 1, 0).Relu().Flatten()
                .Linear(4), [0.02f, 0.1f]),
            Seeded("conv-conv-s2-p1-then-s1-p0", 10, new TestNetworkBuilder([1, 8, 8]).Conv(3, 3, 2, 1).Relu()
                .Conv(4, 3, 1, 0).Relu().Flatten().Linear(4), perSample),
            Seeded("conv-point-region", 12, new TestNetworkBuilder([2, 6, 6]).Conv(4, 3, 2, 0).Relu().Flatten()
                .Linear(4), scalarEps: 0f),
            Seeded("conv-then-linear-before-relu", 13, new TestNetworkBuilder([1, 6, 6]).Conv(3, 3, 1, 0).Flatten()
                .Linear(10).Relu().Linear(4), perSample),
            Seeded("fc-three-relu-layers", 14, new TestNetworkBuilder([1, 6, 6]).Normalize([0.5f], [0.25f]).Flatten()
                .Linear(10).Relu().Linear(10).Relu().Linear(8).Relu().Linear(5), [0.005f, 0.03f, 0.1f, 1f]),
            // CONVPLUS- and dm-large-like stacks: stride-1 convolutions with several channels in and out, the shapes
            // whose transposed convolution and input gradient libtorch's oneDNN computed wrongly on AMD Zen 5.
            Seeded("convplus-like-s2-p0-then-s1-p0", 15, new TestNetworkBuilder([1, 12, 12]).Normalize([0.13f], [0.31f])
                .Conv(4, 4, 2, 0).Relu().Conv(6, 3, 1, 0).Relu().Flatten().Linear(10).Relu().Linear(4), perSample),
            Seeded("dm-large-like-s1-p1-stack", 16, new TestNetworkBuilder([3, 8, 8]).Conv(4, 3, 1, 1).Relu()
                .Conv(4, 3, 1, 1).Relu().Conv(6, 3, 2, 1).Relu().Flatten().Linear(5), [0f, 0.01f, 0.03f, 0.1f]),
            Ties(11),
            .. Enumerable.Range(100, 24).Select(seed => Drawn((ulong)seed)),
        ];
    }

    /// <summary>A network and eps drawn from the seed: 1-3 ReLU layers of 3-12 neurons, possibly after a convolution.</summary>
    static BoundCase Drawn(ulong seed)
    {
        var draw = new System.Random((int)seed);
        bool conv = draw.Next(2) == 0;
        long channels = draw.Next(1, 3), size = draw.Next(2) == 0 ? 6 : 8;
        var builder = new TestNetworkBuilder([channels, size, size]);
        if (draw.Next(2) == 0) builder.Normalize([.. Enumerable.Repeat(0.4f, (int)channels)], [.. Enumerable.Repeat(0.3f, (int)channels)]);
        if (conv) builder.Conv(channels == 1 ? 3 : 4, 3, draw.Next(1, 3), draw.Next(2)).Relu();
        builder.Flatten();
        for (int layer = conv ? 1 : 0, depth = draw.Next(1, 4); layer < depth; layer++)
            builder.Linear(draw.Next(3, 13)).Relu();
        builder.Linear(draw.Next(2, 6));
        float[] choices = [0f, 0.001f, (float)draw.NextDouble() * 0.1f, (float)draw.NextDouble() * 0.5f];
        var eps = Enumerable.Range(0, 3).Select(_ => choices[draw.Next(choices.Length)]).ToArray();
        return Seeded("drawn", seed, builder, eps);
    }

    static BoundCase Seeded(string name, ulong seed, TestNetworkBuilder builder, float[]? perSampleEps = null, float scalarEps = 0)
    {
        var network = builder.Build(seed);
        using var generator = new Generator(seed + 1000);
        long batch = perSampleEps?.Length ?? 4;
        var x = rand([batch, .. network.Layers[0].InputShape], generator: generator);
        var eps = perSampleEps is null ? tensor(scalarEps) : tensor(perSampleEps);
        return new BoundCase(name, seed, network, x, eps, Predicted(network, x));
    }

    /// <summary>
    /// Input 1x4x4, eps 0.25 (all planted values dyadic, so their bounds are exact in float32):
    /// x0, x1 in [0.25, 0.75], x2 in [0, 0.35] (clipped at 0), x3 in [0.625, 1] (clipped at 1).
    /// Layer 1: h0 = 0 (zero row and bias), h1 = 4 x0 - 2 in [-1, 1] (|l| = |u|), h2 = 2 x2 in [0, 0.7] (l = 0),
    /// h3 = -2 x2 in [-0.7, 0] (u = 0), h4 = 4 x1 in [1, 3], h5 = copy of h6, h7 = 0.5 and h8 = -0.5 (constants),
    /// h9 = 4 x3 - 4 in [-1.5, 0] (u = 0 through clipping), h10 = h1 + 3 and h11 = h3 + 1 (always active).
    /// Layer 2: g0 = 0, g1 = relu(h4) - 2 in [-1, 1], g2 = relu(h4) - 1 in [0, 2], g3 = relu(h4) - 3 in [-2, 0],
    /// g4 = 5 relu(h0) = 0, g5 = copy of g6, g8 = relu(h1) - h1 in [0, 1] and g9 = relu(h3) - h3 in [0, 0.7]
    /// (through the active copies h10, h11: these expose the whole ReLU relaxation of h1 and h3, whose
    /// bounds are attained at corners). Output: class 3 duplicates class 2, both lifted so that they win.
    /// </summary>
    static BoundCase Ties(ulong seed)
    {
        var network = new TestNetworkBuilder([1, 4, 4]).Flatten().Linear(12).Relu().Linear(10).Relu().Linear(4)
            .Set(0, Row(0, 0f))
            .Set(0, Row(1, -2f, (0, 4f)))
            .Set(0, Row(2, 0f, (2, 2f)))
            .Set(0, Row(3, 0f, (2, -2f)))
            .Set(0, Row(4, 0f, (1, 4f)))
            .Set(0, Duplicate(6, 5))
            .Set(0, Row(7, 0.5f))
            .Set(0, Row(8, -0.5f))
            .Set(0, Row(9, -4f, (3, 4f)))
            .Set(0, Row(10, 1f, (0, 4f)))
            .Set(0, Row(11, 1f, (2, -2f)))
            .Set(1, Row(0, 0f))
            .Set(1, Row(1, -2f, (4, 1f)))
            .Set(1, Row(2, -1f, (4, 1f)))
            .Set(1, Row(3, -3f, (4, 1f)))
            .Set(1, Row(4, 0f, (0, 5f)))
            .Set(1, Duplicate(6, 5))
            .Set(1, Row(8, 3f, (1, 1f), (10, -1f)))
            .Set(1, Row(9, 1f, (3, 1f), (11, -1f)))
            .Set(2, layer => layer.Bias[2].fill_(3f))
            .Set(2, Duplicate(2, 3))
            .Build(seed);
        using var generator = new Generator(seed + 1000);
        var x = rand([3, 1, 4, 4], generator: generator);
        var flat = x.view(3, 16);
        flat[.., 0] = 0.5f;
        flat[.., 1] = 0.5f;
        flat[.., 2] = 0.1f;
        flat[.., 3] = 0.875f;
        return new BoundCase(TiesName, seed, network, x, tensor(new[] { 0.25f, 0.25f, 0.25f }), Predicted(network, x));
    }

    public const string TiesName = "ties-and-zeros";

    static Tensor Predicted(Network network, Tensor x)
    {
        using var _ = no_grad();
        return network.Forward(x).argmax(1);
    }
}
