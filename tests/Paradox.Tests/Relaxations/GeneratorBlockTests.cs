using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>The factored generator blocks must equal the dense generators they stand for.</summary>
public sealed class GeneratorBlockTests
{
    static (Conv2dLayer Conv, LinearLayer Linear, Tensor Values) Setup(long stride, long padding)
    {
        var gen = new Generator(7);
        var conv = new Conv2dLayer(2, 3, 3, stride, padding, [2, 7, 7]);
        var outputs = conv.OutputShape.Aggregate(1L, (a, b) => a * b);
        var linear = new LinearLayer(outputs, 4);
        using (no_grad())
        {
            conv.Weight.copy_(randn(conv.Weight.shape, generator: gen));
            conv.Bias.copy_(randn(conv.Bias.shape, generator: gen));
            linear.Weight.copy_(randn(linear.Weight.shape, generator: gen));
        }
        var values = rand([5, 2, 7, 7], generator: gen);
        values[TensorIndex.Colon, 0, 3] = 0; // some neurons carry no term in the whole batch
        return (conv, linear, values);
    }

    /// <summary>The same generators built densely: term t is D[b,t] times the conv of unit vector t.</summary>
    static Tensor DenseReference(Conv2dLayer conv, Tensor values, Tensor scale)
    {
        long n = values[0].numel();
        var units = eye(n).reshape([n, .. values.shape[1..]]);
        var columns = conv.ApplyLinear(units); // [n, *out]
        var d = values.flatten(1).t();           // [n, B]
        return d.reshape(n, d.shape[1], 1, 1, 1) * columns.unsqueeze(1) * scale.unsqueeze(0);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    public void Conv_mapped_diagonal_block_matches_dense_generators(long stride, long padding)
    {
        using var scope = NewDisposeScope();
        var (conv, linear, values) = Setup(stride, padding);
        var scale = rand([5, .. conv.OutputShape], generator: new Generator(3)) - 0.3;
        var block = DiagonalBlock.FromValues(values).Affine(conv).Scale(scale);
        Assert.IsType<MappedDiagonalBlock>(block);
        var dense = DenseReference(conv, values, scale);

        Assert.True(allclose(block.AbsSum(), dense.abs().sum(0L), rtol: 1e-5, atol: 1e-5), "AbsSum");

        var flat = block.Flatten();
        var mapped = ((DenseBlock)flat.Affine(linear)).E;
        var expected = ((DenseBlock)new DenseBlock(dense).Flatten().Affine(linear)).E;
        // Terms of all-zero neurons are dropped by the factored block; their dense rows are zero.
        var kept = values.flatten(1).ne(0).any(0L).nonzero().squeeze(1);
        Assert.True(allclose(mapped, expected.index_select(0, kept), rtol: 1e-4, atol: 1e-4), "Affine(Linear)");

        var spec = new FinalSpec(randn([5, 3, linear.InFeatures], generator: new Generator(11)), zeros(5, 3), NeedUpper: false);
        Assert.True(allclose(flat.FinalAbsSum(spec), new DenseBlock(dense).Flatten().FinalAbsSum(spec), rtol: 1e-4, atol: 1e-4),
            "FinalAbsSum");
    }
}
