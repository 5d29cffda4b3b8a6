using Paradox.Networks;
using Paradox.Relaxations;
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
    public static TrainingPgdOptions From(TrainConfig c)
    {
        var d = new TrainingPgdOptions();
        return new TrainingPgdOptions(c.MethodPgdSteps ?? d.Steps, c.MethodPgdStep ?? d.RelativeStep);
    }

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
    /// L-infinity PGD in the training form (<see cref="Attacks.Pgd.TrainingPoints"/>: a uniform start in the eps-ball,
    /// `Steps` signed-gradient steps of `RelativeStep * eps` on the cross-entropy projected onto the eps-ball clipped to [0,1],
    /// the last iterate for every sample). The region it is given is that ball.
    /// </summary>
    public static TrainingAttack Pgd(TrainingPgdOptions options, double eps) => (network, x, y, region, generator) =>
    {
        options.Validate();
        return Attacks.Pgd.TrainingPoints(network, x, y, eps, options.Steps, options.RelativeStep * eps, generator);
    };
}
