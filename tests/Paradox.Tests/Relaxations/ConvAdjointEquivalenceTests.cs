using Paradox.Networks;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// `Conv2dLayer.ApplyAdjoint` (matmul into im2col space + fold) replaces libtorch's conv_transpose2d in the engines.
/// On random convolutions (channels, kernel, stride, padding, odd and even sizes, output padding) it must give the
/// same values and the same gradients, with respect to its input and to the layer's weight, as the straightforward
/// conv_transpose2d, to 1e-6 relative (float32 rounding of sums of up to C_out k^2 terms in another order).
/// </summary>
public sealed class ConvAdjointEquivalenceTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 24)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ApplyAdjoint_matches_ConvTranspose2d_in_value_and_gradients(int seed)
    {
        using var scope = NewDisposeScope();
        var random = new Random(seed);
        long inChannels = random.Next(1, 4), outChannels = random.Next(1, 9), kernel = random.Next(1, 6), stride = random.Next(1, 4);
        long padding = random.Next(0, (int)kernel);
        long size = random.Next((int)Math.Max(kernel, 2), 15);
        var conv = new Conv2dLayer(inChannels, outChannels, kernel, stride, padding, [inChannels, size, size + random.Next(0, 3)]);
        using var generator = new Generator((ulong)seed + 1);
        using (no_grad()) conv.Weight.copy_(rand(conv.Weight.shape, generator: generator) * 2 - 1);
        var g = (rand([3, .. conv.OutputShape], generator: generator) * 2 - 1).requires_grad_(true);
        var upstream = rand([3, .. conv.InputShape], generator: generator) * 2 - 1;

        (Tensor Value, Tensor InputGrad, Tensor WeightGrad) Run(Func<Tensor, Tensor> adjoint)
        {
            conv.Weight.grad?.zero_();
            var value = adjoint(g);
            var grads = autograd.grad([(value * upstream).sum()], [g, conv.Weight]);
            return (value.detach(), grads[0], grads[1]);
        }
        long outH = (conv.OutputShape[1] - 1) * stride - 2 * padding + kernel,
            outW = (conv.OutputShape[2] - 1) * stride - 2 * padding + kernel;
        var reference = Run(x => nn.functional.conv_transpose2d(x, conv.Weight, null, strides: [stride, stride],
            padding: [padding, padding], output_padding: [conv.InputShape[1] - outH, conv.InputShape[2] - outW]));
        var restructured = Run(conv.ApplyAdjoint);

        void Same(Tensor expected, Tensor actual, string what)
        {
            Assert.Equal(expected.shape, actual.shape);
            double scale = expected.abs().max().item<float>() + 1e-30;
            double diff = (expected - actual).abs().max().item<float>();
            Assert.True(diff <= 1e-6 * scale,
                $"{conv.Describe()} on {string.Join("x", conv.InputShape)}: {what} differs by {diff:G3} (scale {scale:G3})");
        }
        Same(reference.Value, restructured.Value, "value");
        Same(reference.InputGrad, restructured.InputGrad, "input gradient");
        Same(reference.WeightGrad, restructured.WeightGrad, "weight gradient");
    }
}
