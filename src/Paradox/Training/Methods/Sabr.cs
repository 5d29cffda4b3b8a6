using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>SABR's settings: the small box's radius as a fraction lambda of eps (`--sabr_lambda`) and the attack that centres it.</summary>
public sealed record SabrParameters(double Lambda = 0.4, TrainingPgdOptions? Attack = null)
{
    public TrainingPgdOptions AttackOptions => Attack ?? new TrainingPgdOptions();

    public static SabrParameters From(TrainConfig c) => new(c.SabrLambda ?? new SabrParameters().Lambda, TrainingPgdOptions.From(c));

    public void Validate()
    {
        if (!(Lambda > 0 && Lambda <= 1)) throw new ParadoxException($"--sabr_lambda: must be in (0, 1] (got {Lambda})");
        AttackOptions.Validate();
    }
}

/// <summary>
/// SABR (Müller et al., ICLR 2023): the certified loss of a small box of radius `tau = lambda eps` placed around an
/// adversarial point, instead of the whole eps-ball. The box is always a subset of the eps-ball clipped to [0,1], so
/// lambda = 1 is exactly the relaxation's certified loss on the ball (Box training with `box`).
/// </summary>
public static class Sabr
{
    public static LossParts Loss(Network network, MethodBatch batch, Relaxation relaxation, SabrParameters p, Generator? generator,
        TrainingAttack? attack = null)
    {
        p.Validate();
        MethodLosses.RequireDifferentiable(relaxation, "sabr");
        var logits = network.Forward(batch.X);
        var natural = nn.functional.cross_entropy(logits, batch.Y);
        if (batch.Kappa >= 1 || batch.Eps == 0) return new LossParts(natural, natural, null, logits, null);

        using var ball = batch.Ball();
        double tau = p.Lambda * batch.Eps;
        Tensor centre;
        if (p.Lambda >= 1) centre = batch.X; // the only centre whose eps-box is the ball: no attack needed
        else
        {
            attack ??= TrainingAttacks.Pgd(p.AttackOptions, batch.Eps);
            centre = attack(network, batch.X, batch.Y, ball, generator);
        }
        using var small = PropagationRegion(batch.X, centre, batch.Eps, tau);
        var worst = relaxation.WorstCaseLogits(network, small, batch.Y, batch.Spec);
        var certified = nn.functional.cross_entropy(worst, batch.Y);
        // The small box certifies nothing about the ball: the epoch's certified count is the ball's (same relaxation, no gradient).
        Tensor ballWorst;
        if (p.Lambda >= 1) ballWorst = worst.detach();
        else using (no_grad()) ballWorst = relaxation.WorstCaseLogits(network, ball, batch.Y, batch.Spec);
        return new LossParts(MethodLosses.Mix(batch.Kappa, natural, certified), natural, certified, logits, ballWorst);
    }

    /// <summary>
    /// The box `[c - tau, c + tau]` cut to the eps-ball of x clipped to [0,1]. Per pixel, the centre c is the attack point
    /// projected onto the centres whose box lies in the ball and in [0,1], `[max(x - (eps - tau), tau), min(x + (eps - tau), 1 - tau)]`;
    /// where that is empty (pixels within `2 tau - eps` of 0 or 1) onto `[x - (eps - tau), x + (eps - tau)]` alone, and the cut
    /// keeps the box in the ball. With tau = eps the centre is x and the box is the ball itself, bit for bit.
    /// </summary>
    public static InputRegion PropagationRegion(Tensor x, Tensor attackPoint, double eps, double tau)
    {
        Checks.Eps(eps);
        if (!(tau >= 0 && tau <= eps)) throw new ArgumentOutOfRangeException(nameof(tau), $"tau {tau} must be in [0, eps = {eps}]");
        using var scope = NewDisposeScope();
        double slack = eps - tau;
        var inBallLow = x - slack;
        var inBallHigh = x + slack;
        var low = inBallLow.clamp_min(tau);
        var high = inBallHigh.clamp_max(1 - tau);
        var feasible = low.le(high);
        var centre = where(feasible, attackPoint.detach().clamp(low, high), attackPoint.detach().clamp(inBallLow, inBallHigh));
        var ballLow = (x - eps).clamp(0, 1);
        var ballHigh = (x + eps).clamp(0, 1);
        var lower = torch.maximum(centre - tau, ballLow).MoveToOuterDisposeScope();
        var upper = torch.minimum(centre + tau, ballHigh).MoveToOuterDisposeScope();
        return new InputRegion(lower, upper);
    }
}

/// <summary>`--method sabr` on the seam.</summary>
public sealed class SabrTraining(SabrParameters parameters, Relaxation relaxation, Generator? generator, SpecKind spec) : ITrainingMethod
{
    public LossParts Loss(Network network, Tensor x, Tensor y, ScheduleValues s) =>
        Sabr.Loss(network, new MethodBatch(x, y, s.Eps, s.Kappa, spec), relaxation, parameters, generator);
}
