using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>Shi et al.'s warm-up regulariser settings (`--ibp_reg`): the initial weight lambda0 and the target ratio tau.</summary>
public sealed record IbpRegularizerParameters(double Lambda0 = 0.5, double Tau = 0.5)
{
    public void Validate()
    {
        if (!(Lambda0 >= 0) || !double.IsFinite(Lambda0)) throw new ParadoxException($"--ibp_reg: must be a number >= 0 (got {Lambda0})");
        if (!(Tau > 0 && Tau <= 1)) throw new ParadoxException($"--ibp_reg_tau: must be in (0, 1] (got {Tau})");
    }
}

/// <summary>
/// The warm-up regularisers of Shi et al. (NeurIPS 2021), on the Box bounds of the eps-ball, for the m ReLU layers with
/// pre-activation bounds [l, u], centres c = (u + l)/2 and mean radius `Delta_i = mean((u - l)/2)` (over batch and neurons):
///   L_tightness = (1/m) sum_i ReLU(tau - Delta_0 / Delta_i) / tau, Delta_0 the mean radius of the (normalised) input box;
///   L_relu      = (1/m) sum_i [ReLU(tau - r_mean,i) + ReLU(tau - r_var,i)] / tau, where, over active (l > 0) and inactive
///                 (u &lt; 0) neurons, r_mean = min(a, 1/a) with a = mean(c active) / -mean(c inactive) and r_var = min(v, 1/v)
///                 with v the ratio of the sums of squared deviations of c from its mean (a layer where a ratio is undefined
///                 adds no L_relu term);
/// added with weight `lambda = lambda0 (1 - eps_t / eps_target)` while eps ramps up (0 once it has reached the target).
/// It goes with `--init_method ibp` (weights N(0, (sqrt(2 pi) / fan_in)^2), the same paper).
/// </summary>
public static class IbpWarmupRegularizer
{
    /// <summary>lambda at this eps; 0 at eps 0 (natural warm-up, no bounds) and from the target on.</summary>
    public static double Weight(IbpRegularizerParameters p, double eps, double epsTarget) =>
        eps <= 0 || epsTarget <= 0 || eps >= epsTarget ? 0 : p.Lambda0 * (1 - eps / epsTarget);

    /// <summary>`L_tightness + L_relu` on the Box bounds of <paramref name="ball"/>, or null without ReLU layers.</summary>
    public static Tensor? Loss(Network network, InputRegion ball, IbpRegularizerParameters p)
    {
        p.Validate();
        var layers = BoxEngine.Standard.PreActivationBounds(network, ball);
        if (layers.Count == 0) return null;
        var inputRadius = (ball.Upper - ball.Lower) / 2;
        if (network.Layers.Count > 0 && network.Layers[0] is NormalizeLayer n) inputRadius = inputRadius / n.Sigma;
        var delta0 = inputRadius.mean();
        Tensor total = zeros(1, dtype: delta0.dtype, device: delta0.device).squeeze();
        foreach (var layer in layers)
        {
            var centre = (layer.Upper + layer.Lower) / 2;
            var radius = ((layer.Upper - layer.Lower) / 2).mean();
            total = total + nn.functional.relu(p.Tau - delta0 / radius.clamp_min(1e-12)) / p.Tau;
            if (ReluBalance(layer, centre, p.Tau) is { } balance) total = total + balance;
        }
        return total / layers.Count;
    }

    static Tensor? ReluBalance(LayerBounds layer, Tensor centre, double tau)
    {
        var active = layer.Lower.gt(0).to(centre.dtype);
        var inactive = layer.Upper.lt(0).to(centre.dtype);
        var meanRatio = (centre * active).mean() / -(centre * inactive).mean();
        var deviation = (centre - centre.mean()).square();
        var varRatio = (deviation * active).sum() / (deviation * inactive).sum();
        var rMean = torch.minimum(meanRatio, 1 / meanRatio.clamp_min(1e-12));
        var rVar = torch.minimum(varRatio, 1 / varRatio.clamp_min(1e-12));
        var term = (nn.functional.relu(tau - rMean) + nn.functional.relu(tau - rVar)) / tau;
        return term.isfinite().item<bool>() ? term : null;
    }
}

/// <summary>`--ibp_reg` around a loss method: its loss plus `lambda(eps) (L_tightness + L_relu)` on the batch's eps-ball.</summary>
public sealed class IbpRegularizedTraining(ITrainingMethod inner, IbpRegularizerParameters parameters, double epsTarget) : ITrainingMethod
{
    public ITrainingMethod Inner { get; } = inner;

    public LossParts Loss(Network network, Tensor x, Tensor y, ScheduleValues s)
    {
        var parts = Inner.Loss(network, x, y, s);
        double weight = IbpWarmupRegularizer.Weight(parameters, s.Eps, epsTarget);
        if (weight == 0) return parts;
        using var ball = InputRegion.Ball(x, s.Eps);
        return IbpWarmupRegularizer.Loss(network, ball, parameters) is { } reg ? parts with { Total = parts.Total + weight * reg } : parts;
    }
}
