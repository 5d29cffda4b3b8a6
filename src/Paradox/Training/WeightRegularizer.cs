using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Training;

/// <summary>`--reg` / `--reg_lambda`: added to every method's loss once per optimizer step, as in the original.</summary>
public static class WeightRegularizer
{
    /// <summary>`lambda * sum |W|` (L1) or `lambda * sum W^2` (L2) over weights, biases excluded; null when off.</summary>
    public static Tensor? Of(TrainConfig config, Network network)
    {
        if (config.Reg is null || config.RegLambda == 0) return null;
        var weights = network.Layers.OfType<AffineLayer>().Select(a => (Tensor)a.Weight);
        var sum = config.Regularizer() == "L1"
            ? weights.Select(w => w.abs().sum()).Aggregate((a, b) => a + b)
            : weights.Select(w => w.pow(2).sum()).Aggregate((a, b) => a + b);
        return config.RegLambda * sum;
    }
}
