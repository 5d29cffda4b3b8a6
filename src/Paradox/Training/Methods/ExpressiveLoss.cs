using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>The over-approximation coefficient alpha (`--mtl_alpha`) of De Palma et al.'s expressive losses and their attack.</summary>
public sealed record ExpressiveParameters(double Alpha = 0.5, TrainingPgdOptions? Attack = null)
{
    public TrainingPgdOptions AttackOptions => Attack ?? new TrainingPgdOptions();

    public static ExpressiveParameters From(TrainConfig c) =>
        new(c.MtlAlpha ?? new ExpressiveParameters().Alpha, TrainingPgdOptions.From(c));

    public void Validate()
    {
        if (!(Alpha >= 0 && Alpha <= 1)) throw new ParadoxException($"--mtl_alpha: must be in [0, 1] (got {Alpha})");
        AttackOptions.Validate();
    }
}

/// <summary>
/// What MTL-IBP, CC-IBP and Exp-IBP (De Palma et al., ICLR 2024) share: an attack point in the eps-ball and the
/// relaxation's worst-case logits over the ball. Each method combines the two in its own file.
/// </summary>
public static class ExpressiveLoss
{
    /// <summary>
    /// The natural logits and loss, the logits at the attack point (null when alpha = 1), the worst-case logits with gradient
    /// (null when alpha = 0) and, detached, the worst-case logits that count the batch's certified samples.
    /// </summary>
    public sealed record Terms(Tensor NaturalLogits, Tensor Natural, Tensor? AdversarialLogits, Tensor? WorstCaseLogits,
        Tensor? CountingLogits);

    public static Terms Compute(Network network, MethodBatch batch, Relaxation relaxation, ExpressiveParameters p, Generator? generator,
        TrainingAttack? attack, string method)
    {
        p.Validate();
        MethodLosses.RequireDifferentiable(relaxation, method);
        var logits = network.Forward(batch.X);
        var natural = nn.functional.cross_entropy(logits, batch.Y);
        if (batch.Kappa >= 1 || batch.Eps == 0) return new Terms(logits, natural, null, null, null);
        using var ball = batch.Ball();
        Tensor? adversarial = null;
        if (p.Alpha < 1)
        {
            attack ??= TrainingAttacks.Pgd(p.AttackOptions, batch.Eps);
            using var point = attack(network, batch.X, batch.Y, ball, generator);
            adversarial = network.Forward(point);
        }
        Tensor worst;
        if (p.Alpha > 0) worst = relaxation.WorstCaseLogits(network, ball, batch.Y, batch.Spec);
        else using (no_grad()) worst = relaxation.WorstCaseLogits(network, ball, batch.Y, batch.Spec); // for the certified count only
        return new Terms(logits, natural, adversarial, p.Alpha > 0 ? worst : null, worst.detach());
    }

    /// <summary>The loss parts once a method has formed its robust loss.</summary>
    public static LossParts Parts(Terms t, MethodBatch batch, Tensor? robust) => robust is null
        ? new LossParts(t.Natural, t.Natural, null, t.NaturalLogits, null)
        : new LossParts(MethodLosses.Mix(batch.Kappa, t.Natural, robust), t.Natural, robust, t.NaturalLogits, t.CountingLogits);
}
