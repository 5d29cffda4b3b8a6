using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// `train-provable`: `kappa * CE(f(x), y) + (1 - kappa) * CE(worst-case logits)`, where the worst case is the
/// relaxation's, mixed with Box as `(1 - beta) box + beta relaxation` when beta &lt; 1 (CROWN-IBP's beta schedule;
/// the original mixes logits, not losses). With kappa = 1 the loss is the natural one and no bound is computed.
/// </summary>
public sealed class ProvableTraining(ProvableTraining.Parameters parameters, Relaxation relaxation) : ITrainingMethod
{
    /// <summary>The specification (`--C`) of the certified loss.</summary>
    public sealed record Parameters(SpecKind Spec)
    {
        public static Parameters From(TrainConfig c) => new(Specification.Parse(c.C));
    }

    static readonly Relaxation Box = RelaxationCatalog.Create("box");

    public Relaxation Relaxation { get; } = relaxation;

    public ProvableTraining(TrainConfig config, Relaxation relaxation) : this(Parameters.From(config), relaxation) { }

    public static IReadOnlyList<ScheduleCoefficient> Coefficients(TrainConfig c) => ScheduleCoefficient.Study(c);

    /// <summary>The method of a config: its `--train_domain` built as a trainable relaxation.</summary>
    public static ProvableTraining Create(TrainConfig config, Generator generator) =>
        new(config, RelaxationCatalog.CreateTrainable(
            config.RequireTrainDomain(),
            config.RelaxationFlags(), generator, "--train_domain"));

    public LossParts Loss(Network network, Tensor x, Tensor y, ScheduleValues s)
    {
        var logits = network.Forward(x);
        var natural = nn.functional.cross_entropy(logits, y);
        if (s.Kappa >= 1) return new LossParts(natural, natural, null, logits, null);
        using var region = InputRegion.Ball(x, s.Eps);
        var worst = WorstCaseLogits(network, region, y, s.Beta);
        var certified = nn.functional.cross_entropy(worst, y);
        var total = s.Kappa * natural + (1 - s.Kappa) * certified;
        return new LossParts(total, natural, certified, logits, worst);
    }

    Tensor WorstCaseLogits(Network network, InputRegion region, Tensor y, double beta)
    {
        var spec = parameters.Spec;
        if (beta >= 1 || Relaxation.Name == "box") return Relaxation.WorstCaseLogits(network, region, y, spec);
        var box = Box.WorstCaseLogits(network, region, y, spec);
        if (beta <= 0) return box;
        return (1 - beta) * box + beta * Relaxation.WorstCaseLogits(network, region, y, spec);
    }

    /// <summary>Samples whose worst-case logits still rank the label first (ties count, as the paper's batch accuracy).</summary>
    public static Tensor CertifiedOnBatch(Tensor worst, Tensor y) =>
        worst.gather(1, y.unsqueeze(1)).squeeze(1).ge(worst.max(1).values);
}
