using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// The attack a training method maximises over (SABR's box centre, the MTL family's adversarial loss): a point of
/// <paramref name="region"/> per sample, detached. Unlike the evaluation attack (<see cref="Attacks.Pgd"/>, which
/// keeps the clean input for samples it cannot break), a training attack always returns an attack point.
/// </summary>
public delegate Tensor TrainingAttack(Network network, Tensor x, Tensor y, InputRegion region, Generator? generator);

/// <summary>PGD settings of a training attack; the step is a fraction of eps so one setting serves the whole eps ramp.</summary>
public sealed record TrainingPgdOptions(int Steps = 8, double RelativeStep = 0.25)
{
    public void Validate(string flagPrefix = "--method_pgd")
    {
        if (Steps < 1) throw new ParadoxException($"{flagPrefix}_steps: must be >= 1 (got {Steps})");
        if (!(RelativeStep > 0) || !double.IsFinite(RelativeStep))
            throw new ParadoxException($"{flagPrefix}_step: must be a number > 0 (got {RelativeStep})");
    }
}

public static class TrainingAttacks
{
    /// <summary>
    /// L-infinity PGD in the training form (Madry et al. 2018): a uniform random start in the region, `Steps` signed-gradient
    /// ascent steps of `RelativeStep * eps` on the cross-entropy, each projected onto the region; per sample, the iterate
    /// with the highest cross-entropy (the random start included) is returned. Provisional: the architecture work makes
    /// the training PGD faithful to the original code and this delegate will point at it.
    /// </summary>
    public static TrainingAttack Pgd(TrainingPgdOptions options, double eps) => (network, x, y, region, generator) =>
    {
        options.Validate();
        double step = options.RelativeStep * eps;
        using var gradients = enable_grad();
        using var scope = NewDisposeScope();
        var width = region.Upper - region.Lower;
        var xa = (region.Lower + rand(x.shape, generator: generator, device: x.device) * width).detach();
        var best = xa.clone();
        var bestLoss = full(x.shape[0], double.NegativeInfinity, dtype: x.dtype, device: x.device);
        for (int i = 0; ; i++)
        {
            xa.requires_grad_(true);
            var perSample = nn.functional.cross_entropy(network.Forward(xa), y, reduction: nn.Reduction.None);
            using (no_grad())
            {
                var better = perSample.detach().gt(bestLoss);
                best = where(InputRegion.PerSample(better, best), xa.detach(), best);
                bestLoss = where(better, perSample.detach(), bestLoss);
            }
            if (i == options.Steps) break;
            var grad = autograd.grad([perSample.sum()], [xa])[0];
            using (no_grad())
                xa = region.Project(xa.detach() + step * grad.sign()).detach();
        }
        return best.detach().MoveToOuterDisposeScope();
    };
}
