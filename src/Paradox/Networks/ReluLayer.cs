using static TorchSharp.torch;

namespace Paradox.Networks;

public sealed class ReluLayer : Layer
{
    public override string Kind => "ReLU";
    public override Tensor Forward(Tensor x) => nn.functional.relu(x);
    internal override Layer MoveTo(Device device, ScalarType? dtype = null) => this;
}
