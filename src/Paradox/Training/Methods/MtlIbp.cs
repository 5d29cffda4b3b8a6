using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// MTL-IBP (De Palma et al., ICLR 2024): the convex combination of the losses,
/// `(1 - alpha) CE(f(x_adv), y) + alpha CE(worst-case logits over the ball, y)`; alpha = 1 is the relaxation's certified loss.
/// </summary>
public static class MtlIbp
{
    public static LossParts Loss(Network network, MethodBatch batch, Relaxation relaxation, ExpressiveParameters p, Generator? generator,
        TrainingAttack? attack = null)
    {
        var t = ExpressiveLoss.Compute(network, batch, relaxation, p, generator, attack, "mtl-ibp");
        if (t.CountingLogits is null) return ExpressiveLoss.Parts(t, batch, null);
        Tensor? adversarial = t.AdversarialLogits is { } a ? nn.functional.cross_entropy(a, batch.Y) : null;
        Tensor? verified = t.WorstCaseLogits is { } w ? nn.functional.cross_entropy(w, batch.Y) : null;
        var robust = adversarial is null ? verified! : verified is null ? adversarial : (1 - p.Alpha) * adversarial + p.Alpha * verified;
        return ExpressiveLoss.Parts(t, batch, robust);
    }
}
