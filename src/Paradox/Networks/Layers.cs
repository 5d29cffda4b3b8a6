using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Paradox.Networks;

/// <summary>
/// One layer of a feed-forward network. The relaxation engines walk the layer list and switch on the
/// concrete type, so layers are plain data plus a concrete forward pass; shapes are per sample.
/// </summary>
public abstract class Layer : IDisposable
{
    public long[] InputShape { get; internal set; } = [];
    public long[] OutputShape { get; internal set; } = [];
    public abstract string Kind { get; }
    public abstract Tensor Forward(Tensor x);
    /// <summary>Trainable tensors with their state-dict suffix (`weight`, `bias`).</summary>
    public virtual IEnumerable<(string Name, Parameter Value)> Parameters() => [];
    /// <summary>Non-trainable tensors that a PyTorch state dict may carry (`mean`, `sigma`).</summary>
    public virtual IEnumerable<(string Name, Tensor Value)> Buffers() => [];
    public virtual string Describe() => Kind;
    public virtual void Dispose() { }
    internal abstract Layer MoveTo(Device device, ScalarType? dtype = null);
}

/// <summary>Per-channel affine normalisation `(x - mean) / sigma`, the first layer of the paper's networks.</summary>
public sealed class NormalizeLayer : Layer
{
    public Tensor Mean { get; private set; }  // [1, C, 1, 1]
    public Tensor Sigma { get; private set; } // [1, C, 1, 1]
    public NormalizeLayer(float[] mean, float[] sigma, Device? device = null)
    {
        if (mean.Length != sigma.Length) throw new ArgumentException("mean and sigma lengths differ");
        Mean = tensor(mean, device: device).reshape(1, mean.Length, 1, 1);
        Sigma = tensor(sigma, device: device).reshape(1, sigma.Length, 1, 1);
    }
    public int Channels => (int)Mean.shape[1];
    public override string Kind => "Normalize";
    public override Tensor Forward(Tensor x) => (x - Mean) / Sigma;
    public override IEnumerable<(string, Tensor)> Buffers() => [("mean", Mean), ("sigma", Sigma)];
    public override string Describe() =>
        $"Normalize(mean=[{string.Join(", ", Mean.data<float>().Select(v => v.ToString("0.####")))}], sigma=[{string.Join(", ", Sigma.data<float>().Select(v => v.ToString("0.####")))}])";
    internal void SetConstants(Tensor mean, Tensor sigma)
    {
        var c = Channels;
        var m = mean.to(float32).to(Mean.device).reshape(1, c, 1, 1);
        var s = sigma.to(float32).to(Sigma.device).reshape(1, c, 1, 1);
        Mean.Dispose(); Sigma.Dispose();
        Mean = m; Sigma = s;
    }
    internal override Layer MoveTo(Device device, ScalarType? dtype = null)
    {
        Mean = Mean.to(dtype ?? Mean.dtype, device);
        Sigma = Sigma.to(dtype ?? Sigma.dtype, device);
        return this;
    }
    public override void Dispose() { Mean.Dispose(); Sigma.Dispose(); }
}

public sealed class FlattenLayer : Layer
{
    public override string Kind => "Flatten";
    public override Tensor Forward(Tensor x) => x.flatten(1);
    internal override Layer MoveTo(Device device, ScalarType? dtype = null) => this;
}

public sealed class ReluLayer : Layer
{
    public override string Kind => "ReLU";
    public override Tensor Forward(Tensor x) => nn.functional.relu(x);
    internal override Layer MoveTo(Device device, ScalarType? dtype = null) => this;
}

/// <summary>An affine layer: `Linear` or `Conv2d`. Engines treat both through <see cref="Apply"/>.</summary>
public abstract class AffineLayer : Layer
{
    public Parameter Weight { get; protected set; } = null!;
    public Parameter Bias { get; protected set; } = null!;
    /// <summary>The layer's linear part applied to a batch (no bias), with an optional different weight tensor (e.g. |W|).</summary>
    public abstract Tensor ApplyLinear(Tensor x, Tensor? weight = null);
    public Tensor Apply(Tensor x) => ApplyLinear(x) + BiasView;
    /// <summary>The bias shaped to broadcast over a batch of outputs.</summary>
    public abstract Tensor BiasView { get; }
    public override Tensor Forward(Tensor x) => Apply(x);
    public override IEnumerable<(string, Parameter)> Parameters() => [("weight", Weight), ("bias", Bias)];
    internal void Replace(string name, Tensor value)
    {
        using var _ = no_grad();
        var target = name == "weight" ? Weight : Bias;
        target.copy_(value.to(target.dtype).to(target.device));
    }
    internal override Layer MoveTo(Device device, ScalarType? dtype = null)
    {
        Weight = new Parameter(Weight.detach().to(dtype ?? Weight.dtype, device), Weight.requires_grad);
        Bias = new Parameter(Bias.detach().to(dtype ?? Bias.dtype, device), Bias.requires_grad);
        return this;
    }
    public override void Dispose() { Weight.Dispose(); Bias.Dispose(); }
}

public sealed class LinearLayer : AffineLayer
{
    public LinearLayer(long inFeatures, long outFeatures, Device? device = null)
    {
        Weight = new Parameter(zeros(outFeatures, inFeatures, device: device));
        Bias = new Parameter(zeros(outFeatures, device: device));
        InputShape = [inFeatures];
        OutputShape = [outFeatures];
    }
    public long InFeatures => Weight.shape[1];
    public long OutFeatures => Weight.shape[0];
    public override string Kind => "Linear";
    public override Tensor ApplyLinear(Tensor x, Tensor? weight = null) => nn.functional.linear(x, weight ?? Weight);
    public override Tensor BiasView => Bias;
    public override string Describe() => $"Linear({InFeatures} -> {OutFeatures})";
}

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
    public override string Describe() =>
        $"Conv2d({InChannels} -> {OutChannels}, kernel {Kernel}, stride {Stride}, padding {Padding})";
}
