using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// The objectives of `--mode train-provable` by `--method` (issue 14): `standard` is the study's loss
/// (<see cref="ProvableTraining"/>); the others keep the relaxation of `--train_domain` and change what is minimised.
/// Adding one is an entry here plus its file. `--ibp_reg` wraps any of the loss methods with Shi et al.'s regulariser.
/// </summary>
public static class ProvableMethodCatalog
{
    public const string Standard = "standard";

    /// <summary>
    /// An entry: whether it trains with certification-only relaxations (no gradient needed), the flags it reads, its
    /// constructor, and the cost of one of its steps from the seconds of a relaxation step and of a natural step
    /// (docs/training-methods.md; the bench's `method-step` measures the real ratios).
    /// </summary>
    sealed record Entry(string Description, bool AnyRelaxation, string[] Flags,
        Func<TrainConfig, Relaxation, Generator?, ITrainingMethod> Create, Func<TrainConfig, double, double, double> StepCost);

    /// <summary>SABR and the MTL family: the relaxation's step plus their PGD attack (its steps and the clean forward).</summary>
    static double WithAttack(TrainConfig c, double relaxation, double natural) =>
        relaxation + natural * (TrainingPgdOptions.From(c).Steps + 1);

    static readonly Dictionary<string, Entry> Methods = new()
    {
        ["sabr"] = new("SABR: the certified loss of a box of radius --sabr_lambda * eps around a PGD point (Mueller et al. 2023)", false,
            ["--sabr_lambda", "--method_pgd_steps", "--method_pgd_step"],
            (c, r, g) => new SabrTraining(SabrParameters.From(c), r, g, Spec(c)), WithAttack),
        ["mtl-ibp"] = new("MTL-IBP: (1 - alpha) adversarial + alpha certified cross-entropy (De Palma et al. 2024)", false,
            ["--mtl_alpha", "--method_pgd_steps", "--method_pgd_step"],
            (c, r, g) => new ExpressiveTraining(MtlIbp.Loss, ExpressiveParameters.From(c), r, g, Spec(c)), WithAttack),
        ["cc-ibp"] = new("CC-IBP: cross-entropy of the alpha-combination of adversarial and worst-case logit differences", false,
            ["--mtl_alpha", "--method_pgd_steps", "--method_pgd_step"],
            (c, r, g) => new ExpressiveTraining(CcIbp.Loss, ExpressiveParameters.From(c), r, g, Spec(c)), WithAttack),
        ["exp-ibp"] = new("Exp-IBP: adversarial^(1 - alpha) * certified^alpha cross-entropy per sample", false,
            ["--mtl_alpha", "--method_pgd_steps", "--method_pgd_step"],
            (c, r, g) => new ExpressiveTraining(ExpIbp.Loss, ExpressiveParameters.From(c), r, g, Spec(c)), WithAttack),
        ["rgs"] = new("RGS: the certified loss's gradient averaged over --gls_samples Gaussian weight perturbations " +
            "(Balauca et al. 2025)", false,
            ["--gls_sigma", "--gls_samples"], (c, r, g) => new RgsTraining(RgsParameters.From(c), r, g, Spec(c)),
            (c, relaxation, _) => relaxation * RgsParameters.From(c).Samples), // k relaxation passes with their backward
        ["pgpe"] = new("PGPE: zeroth-order Gaussian smoothing with antithetic pairs, any relaxation incl. triangle and milp " +
            "(Balauca et al. 2025)", true,
            ["--gls_sigma", "--pgpe_population", "--pgpe_lr", "--pgpe_baseline_decay"],
            (c, r, g) => new PgpeTraining(PgpeParameters.From(c), r, g, Spec(c)),
            (c, relaxation, _) =>
                relaxation * (2 * PgpeParameters.From(c).Population + 1) / 3.0), // 2P + 1 forwards, a third of a step each
    };

    public static string Names => string.Join(", ", Methods.Keys.Prepend(Standard));

    public static IEnumerable<(string Name, string Description)> Available =>
        Methods.Select(kv => (kv.Key, kv.Value.Description))
            .Prepend((Standard, "the study's kappa-mix of natural and certified cross-entropy"));

    static SpecKind Spec(TrainConfig c) => Specification.Parse(c.C);

    /// <summary>The canonical method name of a config (null and `standard` are the study's loss).</summary>
    public static string NameOf(TrainConfig c) => (c.Method ?? Standard).Trim().ToLowerInvariant();

    /// <summary>Checks the method, its flags and its parameters without building anything heavy.</summary>
    public static void Validate(TrainConfig c)
    {
        string name = NameOf(c);
        var given = GivenFlags(c);
        if (name != Standard && !Methods.ContainsKey(name))
            throw new ParadoxException($"--method: unknown method '{c.Method}' (known: {Names})");
        if (name != Standard && c.Mode != TrainMode.TrainProvable)
            throw new ParadoxException($"--method {name}: needs --mode train-provable (its relaxation is --train_domain)");
        var allowed = name == Standard ? [] : Methods[name].Flags;
        if (given.FirstOrDefault(f => !allowed.Contains(f)) is { } stray)
            throw new ParadoxException($"{stray} does not apply to --method {name}");
        if (c.IbpReg is { } reg and not 0)
        {
            new IbpRegularizerParameters(reg, c.IbpRegTau ?? new IbpRegularizerParameters().Tau).Validate();
            if (c.Mode != TrainMode.TrainProvable) throw new ParadoxException("--ibp_reg: needs --mode train-provable");
            if (name is "rgs" or "pgpe") throw new ParadoxException($"--ibp_reg does not apply to --method {name}");
        }
        else if (c.IbpRegTau is not null) throw new ParadoxException("--ibp_reg_tau needs --ibp_reg");
        switch (name)
        {
            case "sabr": SabrParameters.From(c).Validate(); break;
            case "mtl-ibp" or "cc-ibp" or "exp-ibp": ExpressiveParameters.From(c).Validate(); break;
            case "rgs": RgsParameters.From(c).Validate(); break;
            case "pgpe": PgpeParameters.From(c).Validate(); break;
        }
    }

    static IEnumerable<string> GivenFlags(TrainConfig c)
    {
        if (c.SabrLambda is not null) yield return "--sabr_lambda";
        if (c.MtlAlpha is not null) yield return "--mtl_alpha";
        if (c.MethodPgdSteps is not null) yield return "--method_pgd_steps";
        if (c.MethodPgdStep is not null) yield return "--method_pgd_step";
        if (c.GlsSigma is not null) yield return "--gls_sigma";
        if (c.GlsSamples is not null) yield return "--gls_samples";
        if (c.PgpePopulation is not null) yield return "--pgpe_population";
        if (c.PgpeLr is not null) yield return "--pgpe_lr";
        if (c.PgpeBaselineDecay is not null) yield return "--pgpe_baseline_decay";
    }

    /// <summary>The seconds of one step of the config's method from those of a relaxation step and a natural step.</summary>
    public static double StepCost(TrainConfig c, double relaxationStep, double naturalStep) =>
        Methods.TryGetValue(NameOf(c), out var e) ? e.StepCost(c, relaxationStep, naturalStep) : relaxationStep;

    /// <summary>Whether the method trains with relaxations that have no gradient (the LP and MILP).</summary>
    public static bool TakesAnyRelaxation(TrainConfig c) => Methods.TryGetValue(NameOf(c), out var e) && e.AnyRelaxation;

    /// <summary>
    /// The relaxation of `--train_domain`: any catalogue domain for a method that trains without gradients, otherwise a
    /// trainable one (a certification-only domain is an error).
    /// </summary>
    public static Relaxation TrainRelaxation(TrainConfig c, Generator? generator) =>
        TakesAnyRelaxation(c)
            ? RelaxationCatalog.Create(c.RequireTrainDomain(), c.RelaxationFlags(), generator, "--train_domain")
            : RelaxationCatalog.CreateTrainable(c.RequireTrainDomain(), c.RelaxationFlags(), generator, "--train_domain");

    /// <summary>The train-provable method of a config: `--method` on the relaxation of `--train_domain`, with `--ibp_reg` if set.</summary>
    public static ITrainingMethod Create(TrainConfig c, Generator generator)
    {
        Validate(c);
        string name = NameOf(c);
        c.RequireTrainDomain();
        ITrainingMethod method = name == Standard
            ? ProvableTraining.Create(c, generator)
            : Methods[name].Create(c, TrainRelaxation(c, generator), generator);
        if (c.IbpReg is { } reg and > 0)
            method = new IbpRegularizedTraining(method,
                new IbpRegularizerParameters(reg, c.IbpRegTau ?? new IbpRegularizerParameters().Tau), c.EpsTrain ?? 0);
        return method;
    }
}
