using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// Back-substitution carries coefficient rows backwards through each convolution with a transposed convolution
/// (`Conv2dLayer.ApplyAdjoint`: matmul into im2col space, then fold).
/// Every one it builds (the convolutions of the soundness cases and of the paper's architectures) must be the exact
/// adjoint: elementwise equal to a float64 reference within float32 rounding, and `&lt;conv(x), g&gt; = &lt;x, T(g)&gt;`.
/// This is the kernel that libtorch's oneDNN gets wrong on AMD Zen 5.
/// </summary>
public sealed class TransposedConvolutionTests
{
    public static TheoryData<string> Convolutions()
    {
        var data = new TheoryData<string>();
        foreach (var name in Layers.Value.Keys) data.Add(name);
        return data;
    }

    static readonly Lazy<Dictionary<string, Conv2dLayer>> Layers = new(() => SharedFixture.Create(Collect));

    static Dictionary<string, Conv2dLayer> Collect()
    {
        var layers = new Dictionary<string, Conv2dLayer>();
        foreach (var c in BoundCases.All)
            foreach (var (conv, i) in c.Network.Layers.OfType<Conv2dLayer>().Select((l, i) => (l, i)))
                layers.TryAdd($"{c.Name} (seed {c.Seed}) conv {i}: {conv.Describe()} on {string.Join("x", conv.InputShape)}", conv);
        foreach (var dataset in new[] { DatasetInfo.Mnist, DatasetInfo.Cifar10 })
            foreach (var net in new[] { "CONV", "CONVPLUS", "dm-medium", "dm-large" })
            {
                using var generator = new Generator(3);
                var network = Architectures.Build(net, dataset, generator: generator);
                foreach (var (conv, i) in network.Layers.OfType<Conv2dLayer>().Select((l, i) => (l, i)))
                    layers.TryAdd($"{net} {dataset.Name} conv {i}: {conv.Describe()} on {string.Join("x", conv.InputShape)}", conv);
            }
        return layers;
    }

    [Theory]
    [MemberData(nameof(Convolutions))]
    public void The_engines_transposed_convolution_is_the_exact_adjoint(string name)
    {
        var conv = Layers.Value[name];
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(17);
        var x = rand([2, .. conv.InputShape], generator: generator) * 2 - 1;
        var g = rand([2, .. conv.OutputShape], generator: generator) * 2 - 1;
        var transposed = conv.ApplyAdjoint(g);
        Assert.Equal([2, .. conv.InputShape], transposed.shape);

        var (value, magnitude) = ReferenceKernels.ConvTranspose2d(ToArray(g), ToArray(conv.Weight.detach()), (int)conv.Stride,
            (int)conv.Padding, (int)conv.InputShape[1], (int)conv.InputShape[2]);
        var got = transposed.to(ScalarType.Float64).flatten().data<double>().ToArray();
        long terms = conv.OutChannels * conv.Kernel * conv.Kernel;
        double gamma = 2 * terms * Math.Pow(2, -24) / (1 - terms * Math.Pow(2, -24));
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(got[i] - value[i]) <= gamma * magnitude[i] + 1e-30,
                $"{name}: element {i} is {got[i]:R}, the adjoint is {value[i]:R} (allowed {gamma * magnitude[i]:G3})");

        // <conv(x), g> = <x, T(g)>, both sides in float64 from the float32 results; error bounded by their magnitudes.
        var forward = conv.ApplyLinear(x).to(ScalarType.Float64);
        var (g64, x64) = (g.to(ScalarType.Float64), x.to(ScalarType.Float64));
        double left = (forward * g64).sum().item<double>(), right = (x64 * transposed.to(ScalarType.Float64)).sum().item<double>();
        double scale = (forward.abs() * g64.abs()).sum().item<double>() +
            (x64.abs() * transposed.to(ScalarType.Float64).abs()).sum().item<double>();
        long forwardTerms = conv.InChannels * conv.Kernel * conv.Kernel;
        Assert.True(Math.Abs(left - right) <= 4 * Math.Max(terms, forwardTerms) * Math.Pow(2, -24) * scale,
            $"{name}: <conv(x), g> = {left:R} but <x, T(g)> = {right:R}");
    }

    static ReferenceKernels.Array4 ToArray(Tensor t) =>
        new(t.to(ScalarType.Float64).contiguous().flatten().data<double>().ToArray(),
            (int)t.shape[0], (int)t.shape[1], (int)t.shape[2], (int)t.shape[3]);
}
