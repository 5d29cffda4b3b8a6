using static TorchSharp.torch;

namespace Paradox;

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

    public Tensor EngineAdjoint(Tensor g, Tensor w, long stride, long padding, long[] inputShape)
    {
        using var layer = new Networks.Conv2dLayer(w.shape[1], w.shape[0], w.shape[2], stride, padding, inputShape);
        layer.Weight.detach().copy_(w);
        return layer.ApplyAdjoint(g).detach();
    }

    public Tensor MatMul(Tensor a, Tensor b) => a.matmul(b);

    public Tensor Sum(Tensor x, long[] dims) => x.sum(dims);

    public Tensor Elementwise(Tensor a, Tensor b, Tensor c) => a.clamp_min(0) * b - c.abs();
}
