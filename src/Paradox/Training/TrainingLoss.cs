using Paradox.Attacks;
using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Training;

/// <summary>The parts of one batch's loss, for reporting.</summary>
public sealed record LossParts(Tensor Total, Tensor Natural, Tensor? Certified, Tensor NaturalLogits, Tensor? WorstCaseLogits);

/// <summary>
/// The training loss `kappa * CE(f(x), y) + (1 - kappa) * CE_certified + reg`. For provable training the
/// certified logits are the relaxation's worst case, mixed with Box as `(1 - beta) box + beta relaxation`
/// when beta &lt; 1 (CROWN-IBP's beta schedule). PGD training uses the cross-entropy at PGD points instead.
/// </summary>
public sealed class TrainingLoss(TrainConfig config, Relaxation? relaxation, Generator generator)
{
    readonly SpecKind spec = Specification.Parse(config.C);
    static readonly Relaxation Box = RelaxationCatalog.Create("box");

    public LossParts Compute(Network network, Tensor x, Tensor y, ScheduleValues s)
    {
        var logits = network.Forward(x);
        var natural = nn.functional.cross_entropy(logits, y);
        if (s.Kappa >= 1 || config.Mode == TrainMode.TrainNatural)
            return new LossParts(natural, natural, null, logits, null);

        Tensor worst;
        if (config.Mode == TrainMode.TrainPgd)
        {
            using var eps = tensor(s.Eps, device: x.device);
            using var attack = Pgd.Attack(network, x, y, eps, new PgdOptions(config.PgdSteps, config.PgdStepSize), generator);
            worst = network.Forward(attack.Adversarial.detach());
        }
        else
        {
            using var region = InputRegion.Ball(x, s.Eps);
            worst = WorstCaseLogits(network, region, y, s.Beta);
        }
        var certified = nn.functional.cross_entropy(worst, y);
        var total = s.Kappa * natural + (1 - s.Kappa) * certified;
        return new LossParts(total, natural, certified, logits, worst);
    }

    Tensor WorstCaseLogits(Network network, InputRegion region, Tensor y, double beta)
    {
        var model = relaxation ?? throw new ParadoxException("--train_domain is required for train-provable");
        if (beta >= 1 || model.Name == "box") return model.WorstCaseLogits(network, region, y, spec);
        var box = Box.WorstCaseLogits(network, region, y, spec);
        if (beta <= 0) return box;
        return (1 - beta) * box + beta * model.WorstCaseLogits(network, region, y, spec);
    }

    /// <summary>`lambda * sum |W|` (L1) or `lambda * sum W^2` (L2) over weights, biases excluded.</summary>
    public Tensor? Regularizer(Network network)
    {
        if (config.Reg is null || config.RegLambda == 0) return null;
        var weights = network.Layers.OfType<AffineLayer>().Select(a => (Tensor)a.Weight);
        var sum = config.Reg.ToUpperInvariant() switch
        {
            "L1" => weights.Select(w => w.abs().sum()).Aggregate((a, b) => a + b),
            "L2" => weights.Select(w => w.pow(2).sum()).Aggregate((a, b) => a + b),
            _ => throw new ParadoxException($"--reg: unknown regulariser '{config.Reg}' (expected L1 or L2)"),
        };
        return config.RegLambda * sum;
    }

    /// <summary>Samples whose worst-case logits still rank the label first (ties count, as the paper's batch accuracy).</summary>
    public static Tensor CertifiedOnBatch(Tensor worst, Tensor y) =>
        worst.gather(1, y.unsqueeze(1)).squeeze(1).ge(worst.max(1).values);
}
