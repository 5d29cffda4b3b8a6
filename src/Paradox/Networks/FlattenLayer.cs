using static TorchSharp.torch;

namespace Paradox.Networks;

public sealed class FlattenLayer : Layer
{
    public override string Kind => "Flatten";
    public override Tensor Forward(Tensor x) => x.flatten(1);
    internal override Layer MoveTo(Device device, ScalarType? dtype = null) => this;
}
