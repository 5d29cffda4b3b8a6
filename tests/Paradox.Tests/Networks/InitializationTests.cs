using Paradox.Data;
using Paradox.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Networks;

public class InitializationTests
{
    static Network Build(string name, InitMethod init, ulong seed)
    {
        using var generator = new Generator(seed);
        return Architectures.Build(name, DatasetInfo.Mnist, init: init, generator: generator);
    }

    static long FanIn(Tensor w) => w.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
    static long FanOut(Tensor w) => w.shape[0] * w.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
    static double Std(Tensor w) => w.std().item<float>();
    static double MaxAbs(Tensor w) => w.abs().max().item<float>();

    // Layers large enough that the sample standard deviation is within about 1% of the true one.
    static IEnumerable<AffineLayer> LargeLayers(Network network) =>
        network.Layers.OfType<AffineLayer>().Where(l => l.Weight.numel() >= 5_000);

    [Theory]
    [InlineData("FC")]
    [InlineData("CONV")]
    public void Same_seed_gives_identical_weights_and_different_seeds_differ(string name)
    {
        using var a = Build(name, InitMethod.Default, 7);
        using var b = Build(name, InitMethod.Default, 7);
        using var c = Build(name, InitMethod.Default, 8);
        Assert.Equal(a.ParameterHash(), b.ParameterHash());
        Assert.NotEqual(a.ParameterHash(), c.ParameterHash());
    }

    [Theory]
    [InlineData("FC", InitMethod.Default)]
    [InlineData("FC", InitMethod.Ibp)]
    [InlineData("FC", InitMethod.KaimingNormal)]
    [InlineData("FC", InitMethod.XavierNormal)]
    [InlineData("FC", InitMethod.Orthogonal)]
    [InlineData("CONV", InitMethod.Default)]
    [InlineData("CONV", InitMethod.Ibp)]
    [InlineData("CONV", InitMethod.KaimingNormal)]
    [InlineData("CONV", InitMethod.XavierNormal)]
    [InlineData("CONV", InitMethod.Orthogonal)]
    public void Every_method_gives_finite_weights_and_biases_within_the_pytorch_bias_bound(string name, InitMethod init)
    {
        using var network = Build(name, init, 3);
        using var scope = NewDisposeScope();
        foreach (var (key, p) in network.NamedParameters())
            Assert.True(isfinite(p).all().item<bool>(), $"{key} is not finite");
        foreach (var layer in network.Layers.OfType<AffineLayer>())
            Assert.True(MaxAbs(layer.Bias) <= 1 / Math.Sqrt(FanIn(layer.Weight)));
    }

    [Theory]
    [InlineData("FC")]
    [InlineData("CONV")]
    public void Default_is_uniform_within_one_over_sqrt_fan_in(string name)
    {
        using var network = Build(name, InitMethod.Default, 3);
        using var scope = NewDisposeScope();
        foreach (var layer in network.Layers.OfType<AffineLayer>())
        {
            double bound = 1 / Math.Sqrt(FanIn(layer.Weight));
            Assert.True(MaxAbs(layer.Weight) <= bound);
            if (layer.Weight.numel() >= 5_000)
                Assert.InRange(Std(layer.Weight), 0.9 * bound / Math.Sqrt(3), 1.1 * bound / Math.Sqrt(3));
        }
    }

    [Theory]
    [InlineData("FC")]
    [InlineData("CONV")]
    public void Kaiming_normal_has_std_sqrt_two_over_fan_in(string name)
    {
        using var network = Build(name, InitMethod.KaimingNormal, 3);
        using var scope = NewDisposeScope();
        foreach (var layer in LargeLayers(network))
        {
            double expected = Math.Sqrt(2.0 / FanIn(layer.Weight));
            Assert.InRange(Std(layer.Weight), 0.9 * expected, 1.1 * expected);
        }
    }

    [Theory]
    [InlineData("FC")]
    [InlineData("CONV")]
    public void Xavier_normal_has_std_sqrt_two_over_fan_in_plus_fan_out(string name)
    {
        using var network = Build(name, InitMethod.XavierNormal, 3);
        using var scope = NewDisposeScope();
        foreach (var layer in LargeLayers(network))
        {
            double expected = Math.Sqrt(2.0 / (FanIn(layer.Weight) + FanOut(layer.Weight)));
            Assert.InRange(Std(layer.Weight), 0.9 * expected, 1.1 * expected);
        }
    }

    [Fact]
    public void Ibp_has_std_sqrt_two_pi_over_fan_in_except_the_last_layer_which_keeps_the_default()
    {
        using var network = Build("FC", InitMethod.Ibp, 3);
        using var scope = NewDisposeScope();
        var affine = network.Layers.OfType<AffineLayer>().ToList();
        foreach (var layer in affine.SkipLast(1).Where(l => l.Weight.numel() >= 5_000))
        {
            double expected = Math.Sqrt(2 * Math.PI) / FanIn(layer.Weight);
            Assert.InRange(Std(layer.Weight), 0.9 * expected, 1.1 * expected);
        }
        Assert.True(MaxAbs(affine[^1].Weight) <= 1 / Math.Sqrt(FanIn(affine[^1].Weight)));
    }

    [Theory]
    [InlineData("FC")]
    [InlineData("CONV")]
    public void Orthogonal_rows_or_columns_are_orthonormal(string name)
    {
        using var network = Build(name, InitMethod.Orthogonal, 3);
        using var scope = NewDisposeScope();
        foreach (var layer in network.Layers.OfType<AffineLayer>())
        {
            var w = layer.Weight.detach().reshape(layer.Weight.shape[0], -1);
            var gram = w.shape[0] <= w.shape[1] ? w.matmul(w.t()) : w.t().matmul(w);
            var identity = eye(gram.shape[0]);
            Assert.True(gram.allclose(identity, rtol: 0, atol: 1e-4), $"{layer.Describe()}: W W^T is not the identity");
        }
    }
}
