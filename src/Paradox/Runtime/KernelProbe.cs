using static TorchSharp.torch;

namespace Paradox;

/// <summary>
/// The float32 kernels the engines rely on, as the self-check calls them. The seam lets tests hand the check
/// a deliberately wrong kernel, so that the refusal path is exercised on every CPU, not only where libtorch errs.
/// </summary>
public interface IKernelProbe
{
    Tensor Conv2d(Tensor x, Tensor w, long stride, long padding);
    Tensor ConvTranspose2d(Tensor g, Tensor w, long stride, long padding, long outputPadding);
    /// <summary>The input and weight gradients of conv2d by autograd, for the upstream gradient <paramref name="g"/>.</summary>
    (Tensor Input, Tensor Weight) Conv2dGradients(Tensor x, Tensor w, Tensor g, long stride, long padding);
    Tensor MatMul(Tensor a, Tensor b);
    Tensor Sum(Tensor x, long[] dims);
    /// <summary>`relu(a) * b - |c|`: the clamp, product and absolute value of every ReLU relaxation.</summary>
    Tensor Elementwise(Tensor a, Tensor b, Tensor c);
}

/// <summary>libtorch's kernels, exactly as the engines call them.</summary>
public sealed class LibTorchKernels : IKernelProbe
{
    public Tensor Conv2d(Tensor x, Tensor w, long stride, long padding) =>
        nn.functional.conv2d(x, w, strides: [stride, stride], padding: [padding, padding]);

    public Tensor ConvTranspose2d(Tensor g, Tensor w, long stride, long padding, long outputPadding) =>
        nn.functional.conv_transpose2d(g, w, null, strides: [stride, stride], padding: [padding, padding],
            output_padding: [outputPadding, outputPadding]);

    public (Tensor Input, Tensor Weight) Conv2dGradients(Tensor x, Tensor w, Tensor g, long stride, long padding)
    {
        using var _ = enable_grad();
        var xi = x.detach().requires_grad_(true);
        var wi = w.detach().requires_grad_(true);
        var y = Conv2d(xi, wi, stride, padding);
        var grads = autograd.grad([y], [xi, wi], [g]);
        return (grads[0], grads[1]);
    }

    public Tensor MatMul(Tensor a, Tensor b) => a.matmul(b);

    public Tensor Sum(Tensor x, long[] dims) => x.sum(dims);

    public Tensor Elementwise(Tensor a, Tensor b, Tensor c) => a.clamp_min(0) * b - c.abs();
}

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

    public Tensor MatMul(Tensor a, Tensor b) => Corrupt("matmul", inner.MatMul(a, b));

    public Tensor Sum(Tensor x, long[] dims) => Corrupt("sum", inner.Sum(x, dims));

    public Tensor Elementwise(Tensor a, Tensor b, Tensor c) => Corrupt("elementwise", inner.Elementwise(a, b, c));
}
