using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Paradox.Networks;

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
