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
    /// <summary>The engines' own adjoint of a convolution (<see cref="Networks.Conv2dLayer.ApplyAdjoint"/>: bmm and fold).</summary>
    Tensor EngineAdjoint(Tensor g, Tensor w, long stride, long padding, long[] inputShape);
    Tensor MatMul(Tensor a, Tensor b);
    Tensor Sum(Tensor x, long[] dims);
    /// <summary>`relu(a) * b - |c|`: the clamp, product and absolute value of every ReLU relaxation.</summary>
    Tensor Elementwise(Tensor a, Tensor b, Tensor c);
}
