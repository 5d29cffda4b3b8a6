using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Paradox.Networks;

public sealed class Conv2dLayer : AffineLayer
{
    public long Stride { get; }
    public long Padding { get; }
    public Conv2dLayer(long inChannels, long outChannels, long kernel, long stride, long padding, long[] inputShape, Device? device = null)
    {
        Weight = new Parameter(zeros(outChannels, inChannels, kernel, kernel, device: device));
        Bias = new Parameter(zeros(outChannels, device: device));
        Stride = stride;
        Padding = padding;
        InputShape = inputShape;
        long h = (inputShape[1] + 2 * padding - kernel) / stride + 1, w = (inputShape[2] + 2 * padding - kernel) / stride + 1;
        OutputShape = [outChannels, h, w];
    }
    public long InChannels => Weight.shape[1];
    public long OutChannels => Weight.shape[0];
    public long Kernel => Weight.shape[2];
    public override string Kind => "Conv2d";
    public override Tensor ApplyLinear(Tensor x, Tensor? weight = null) =>
        nn.functional.conv2d(x, weight ?? Weight, strides: [Stride, Stride], padding: [Padding, Padding]);
    public override Tensor BiasView => Bias.view(-1, 1, 1);

    /// <summary>
    /// The adjoint of <see cref="ApplyLinear"/> for a batch of output-shaped tensors [N, *OutputShape] -> [N, *InputShape]:
    /// one matrix product into the unfolded (im2col) space and a fold back onto the input grid. This is the same sum as
    /// conv_transpose2d with the output padding that restores the input shape, but libtorch's conv_transpose2d without
    /// oneDNN loops over the batch one image at a time, which is 2-8x slower for the 10,000-row batches of back-substitution.
    /// </summary>
    public Tensor ApplyAdjoint(Tensor x)
    {
        var weightRows = Weight.reshape(OutChannels, -1).t(); // [C_in k k, C_out]
        long positions = OutputShape[1] * OutputShape[2], columnValues = weightRows.shape[0] * positions;
        // Temporaries are disposed here (autograd keeps what it needs), else the step's dispose scope holds them to its end.
        // bmm with the weight expanded (a view): matmul of a matrix by a batch would save a transposed copy of x for backward.
        Tensor Fold(Tensor part)
        {
            using var columns = weightRows.expand(part.shape[0], -1, -1).bmm(part.reshape(part.shape[0], OutChannels, positions));
            return nn.functional.fold(columns, (InputShape[1], InputShape[2]), (Kernel, Kernel), stride: (Stride, Stride),
                padding: (Padding, Padding));
        }
        // In pieces of about 4M column values, so that the im2col tensor and its gradient stay small.
        long rows = Math.Max(1, (1L << 22) / columnValues);
        if (x.shape[0] <= rows) return Fold(x);
        var pieces = x.split(rows).Select(Fold).ToList();
        var result = cat(pieces, 0);
        foreach (var piece in pieces) piece.Dispose();
        return result;
    }

    public override string Describe() =>
        $"Conv2d({InChannels} -> {OutChannels}, kernel {Kernel}, stride {Stride}, padding {Padding})";
}
