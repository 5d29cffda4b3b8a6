using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// Exp-IBP (De Palma et al., ICLR 2024): per sample the geometric combination `CE_adv^(1 - alpha) * CE_R^alpha` of the
/// adversarial and the relaxation's certified cross-entropy, averaged over the batch.
/// </summary>
public static class ExpIbp
{
    /// <summary>Floor of each cross-entropy before the power: a loss that underflows to 0 would give an infinite derivative.</summary>
    const double Floor = 1e-12;

    public static LossParts Loss(Network network, MethodBatch batch, Relaxation relaxation, ExpressiveParameters p, Generator? generator,
        TrainingAttack? attack = null)
    {
        var t = ExpressiveLoss.Compute(network, batch, relaxation, p, generator, attack, "exp-ibp");
        if (t.CountingLogits is null) return ExpressiveLoss.Parts(t, batch, null);
        Tensor PerSample(Tensor logits) => nn.functional.cross_entropy(logits, batch.Y, reduction: nn.Reduction.None);
        Tensor robust;
        if (t.AdversarialLogits is null) robust = PerSample(t.WorstCaseLogits!).mean();
        else if (t.WorstCaseLogits is null) robust = PerSample(t.AdversarialLogits).mean();
        else robust = (PerSample(t.AdversarialLogits).clamp_min(Floor).pow(1 - p.Alpha)
            * PerSample(t.WorstCaseLogits).clamp_min(Floor).pow(p.Alpha)).mean();
        return ExpressiveLoss.Parts(t, batch, robust);
    }
}
