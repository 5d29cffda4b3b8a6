using Paradox.Attacks;
using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// `train-pgd` (Madry et al.), as the original's cert.py does it: the cross-entropy at the LAST iterate of an
/// L-infinity PGD attack of radius eps (<see cref="Pgd.TrainingPoints"/>) for every sample, whether or not the
/// attack broke it; no kappa mixing with the natural loss. Its only scheduled coefficient is eps; the batch's
/// "certified" accuracy is the accuracy at the PGD points (the original's adv accuracy).
/// </summary>
public sealed class PgdTraining(PgdTraining.Parameters parameters, Generator generator) : ITrainingMethod
{
    /// <summary>`--pgd_steps` and `--pgd_step_size`.</summary>
    public sealed record Parameters(int Steps, double StepSize)
    {
        public static Parameters From(TrainConfig c) => new(c.PgdSteps, c.PgdStepSize);
    }

    public static IReadOnlyList<ScheduleCoefficient> Coefficients(TrainConfig c) =>
        [.. ScheduleCoefficient.Study(c).Where(k => k.Name == "eps")];

    public LossParts Loss(Network network, Tensor x, Tensor y, ScheduleValues s)
    {
        var logits = network.Forward(x);
        var natural = nn.functional.cross_entropy(logits, y);
        using var points = Pgd.TrainingPoints(network, x, y, s.Eps, parameters.Steps, parameters.StepSize, generator);
        var adversarial = network.Forward(points);
        var loss = nn.functional.cross_entropy(adversarial, y);
        return new LossParts(loss, natural, loss, logits, adversarial);
    }
}
