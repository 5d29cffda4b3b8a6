using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Paradox.Networks;

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
