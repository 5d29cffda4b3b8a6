using static TorchSharp.torch;

namespace Paradox;

/// <summary>A probe whose <paramref name="kernel"/> returns a corrupted result (one element off by 1): for tests.</summary>
public sealed class FaultyKernels(IKernelProbe inner, string kernel) : IKernelProbe
{
    public const string Variable = "PARADOX_KERNEL_FAULT";

    Tensor Corrupt(string name, Tensor result)
    {
        if (name != kernel) return result;
        var flat = result.detach().clone().flatten();
        flat[flat.shape[0] / 2] += 1.0f;
        return flat.reshape(result.shape);
    }

    public Tensor Conv2d(Tensor x, Tensor w, long stride, long padding) => Corrupt("conv2d", inner.Conv2d(x, w, stride, padding));

    public Tensor ConvTranspose2d(Tensor g, Tensor w, long stride, long padding, long outputPadding) =>
        Corrupt("conv_transpose2d", inner.ConvTranspose2d(g, w, stride, padding, outputPadding));

    public (Tensor Input, Tensor Weight) Conv2dGradients(Tensor x, Tensor w, Tensor g, long stride, long padding)
    {
        var (input, weight) = inner.Conv2dGradients(x, w, g, stride, padding);
        return (Corrupt("conv2d input gradient", input), Corrupt("conv2d weight gradient", weight));
    }

    public Tensor EngineAdjoint(Tensor g, Tensor w, long stride, long padding, long[] inputShape) =>
        Corrupt("conv adjoint (bmm, fold)", inner.EngineAdjoint(g, w, stride, padding, inputShape));

    public Tensor MatMul(Tensor a, Tensor b) => Corrupt("matmul", inner.MatMul(a, b));

    public Tensor Sum(Tensor x, long[] dims) => Corrupt("sum", inner.Sum(x, dims));

    public Tensor Elementwise(Tensor a, Tensor b, Tensor c) => Corrupt("elementwise", inner.Elementwise(a, b, c));
}
