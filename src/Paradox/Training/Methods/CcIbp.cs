using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// CC-IBP (De Palma et al., ICLR 2024): the cross-entropy of the convex combination of the logit differences,
/// `CE((1 - alpha) (f(x_adv) - f(x_adv)_y) + alpha z_R, y)`, where `z_R` are the relaxation's worst-case logits
/// (`z_y = 0`, `z_j` = upper bound of `f_j - f_y`). The label's column is 0 in both, so the adversarial part is the
/// attack point's logit differences to the label.
/// </summary>
public static class CcIbp
{
    public static LossParts Loss(Network network, MethodBatch batch, Relaxation relaxation, ExpressiveParameters p, Generator? generator,
        TrainingAttack? attack = null)
    {
        var t = ExpressiveLoss.Compute(network, batch, relaxation, p, generator, attack, "cc-ibp");
        if (t.CountingLogits is null) return ExpressiveLoss.Parts(t, batch, null);
        Tensor? differences = t.AdversarialLogits is { } a ? a - a.gather(1, batch.Y.unsqueeze(1)) : null;
        var combined = differences is null ? t.WorstCaseLogits! : t.WorstCaseLogits is null ? differences
            : (1 - p.Alpha) * differences + p.Alpha * t.WorstCaseLogits;
        return ExpressiveLoss.Parts(t, batch, nn.functional.cross_entropy(combined, batch.Y));
    }
}
