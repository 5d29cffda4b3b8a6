using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;

namespace Paradox.Training;

/// <summary>
/// The rules a <see cref="TrainConfig"/> must satisfy before a run starts. Each violation is a
/// <see cref="ParadoxException"/> whose one-line message names the `cert.py` flag.
/// </summary>
public static class TrainConfigValidation
{
    /// <summary>The relaxation variant flags of the run; `dcs_per_one` only matters with `loosebox_round`.</summary>
    public static RelaxationFlags RelaxationFlags(this TrainConfig c) =>
        new(c.CrownVariant, c.SoftSlopeGamma, c.ZonoKappa, c.LooseboxWiden, c.LooseboxRound,
            c.LooseboxRound is null ? null : c.DcsPerOne, c.MilpTimeLimit, c.MilpMaxRelus);

    /// <summary>The optimizer, adam or sgd: `--opt` in any case, lower-cased; another name is an error.</summary>
    public static string Optimizer(this TrainConfig c) =>
        c.Opt.ToLowerInvariant() is ("adam" or "sgd") and var name
            ? name
            : throw new ParadoxException($"--opt: unknown optimizer '{c.Opt}' (expected adam or sgd)");

    /// <summary>The weight regularizer, L1, L2 or none (null): `--reg` in any case, upper-cased; another name is an error.</summary>
    public static string? Regularizer(this TrainConfig c) =>
        c.Reg?.ToUpperInvariant() is (null or "L1" or "L2") and var name
            ? name
            : throw new ParadoxException($"--reg: unknown regularizer '{c.Reg}' (expected L1 or L2)");

    /// <summary>The `--train_domain` of a train-provable run; its absence is an error.</summary>
    public static string RequireTrainDomain(this TrainConfig c) =>
        c.TrainDomain ?? throw new ParadoxException("--train_domain: --mode train-provable needs a training domain");

    public static void Validate(this TrainConfig c)
    {
        ValidateIdentity(c);
        ValidateDataAndModel(c);
        ValidateSchedule(c);
        ValidateModeRequirements(c);
        ValidateDomains(c);
    }

    static void ValidateIdentity(TrainConfig c)
    {
        if (c.Label.Length == 0 || c.Label is "." or ".." || c.Label.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ParadoxException($"--label: '{c.Label}' cannot name a run directory (use letters, digits, '-', '_' or '.')");
        if (c.Threads is < 1) throw new ParadoxException($"--threads: must be at least 1 (got {c.Threads})");
        if (c.SaveEvery < 1) throw new ParadoxException($"--save_every: must be at least 1 (got {c.SaveEvery})");
        if (!(c.SaveMinutes >= 0) || double.IsInfinity(c.SaveMinutes))
            throw new ParadoxException($"--save_minutes: must be a number of minutes >= 0 (got {c.SaveMinutes})");
        if (c.Skip < -1) throw new ParadoxException($"--skip: must be -1 (none) or a number of epochs >= 0 (got {c.Skip})");
    }

    static void ValidateDataAndModel(TrainConfig c)
    {
        var dataset = DatasetInfo.Parse(c.Dataset);
        Architectures.Canonical(c.Net);
        Architectures.ParseInit(c.InitMethod);
        Specification.Parse(c.C);
        c.Optimizer();
        c.Regularizer();
        if (c.BatchSize < 1) throw new ParadoxException($"--batch_size: must be at least 1 (got {c.BatchSize})");
        if (c.BatchPieces < 1 || c.BatchPieces > c.BatchSize)
            throw new ParadoxException($"--batch_pieces: must be between 1 and --batch_size {c.BatchSize} (got {c.BatchPieces})");
        if (c.Percent is < 1 or > 100) throw new ParadoxException($"--percent: must be between 1 and 100 (got {c.Percent})");
        if (c.NTrain is < 1) throw new ParadoxException($"--n_train: must be at least 1 (got {c.NTrain})");
        if (c.VerifyMaxTests is < 1) throw new ParadoxException($"--verify_max_tests: must be at least 1 (got {c.VerifyMaxTests})");
        if (c.Relu6) throw new ParadoxException("--relu6 is not supported by the Paradox engines yet");
        if (c.DoTransform && (dataset == DatasetInfo.Mnist || dataset == DatasetInfo.FashionMnist))
            throw new ParadoxException(
                $"--do_transform: augmentation applies to cifar10 and svhn only (as in cert.py), not {dataset.Name}");
    }

    static void ValidateSchedule(TrainConfig c)
    {
        NonNegative(c.NEpochs, "--n_epochs");
        NonNegative(c.WarmupEpochs, "--warmup_epochs");
        NonNegative(c.MixEpochs, "--mix_epochs");
        if (!(double.IsFinite(c.Lr) && c.Lr > 0)) throw new ParadoxException($"--lr: must be a number > 0 (got {c.Lr})");
        NonNegative(c.RegLambda, "--reg_lambda");
        if (c.EpsTrain is { } epsTrain) NonNegative(epsTrain, "--eps_train");
        NonNegative(c.Eps1, "--eps1");
        foreach (var eps in c.EpsTest) NonNegative(eps, "--eps_test");
        foreach (var milestone in c.LrMilestones ?? []) NonNegative(milestone, "--lr_milestones");
        if (c.LrStepEpochs is < 1) throw new ParadoxException($"--lr_step_epochs: must be at least 1 (got {c.LrStepEpochs})");
        UnitInterval(c.Kappa1, "--kappa1");
        UnitInterval(c.Kappa2, "--kappa2");
        UnitInterval(c.Beta1, "--beta1");
        UnitInterval(c.Beta2, "--beta2");
        NonNegative(c.PgdSteps, "--pgd_steps");
        NonNegative(c.PgdStepSize, "--pgd_step_size");
    }

    static void ValidateModeRequirements(TrainConfig c)
    {
        if (c.Mode == TrainMode.TrainProvable) c.RequireTrainDomain();
        if (c.Mode is TrainMode.TrainProvable or TrainMode.TrainPgd && c.EpsTrain is null)
            throw new ParadoxException($"--eps_train: --mode {c.Mode.Name()} needs the training radius");
        if (c.Mode == TrainMode.Eval && c.LoadModel is null)
            throw new ParadoxException("--load_model: --mode eval needs the model to evaluate");
    }

    static void ValidateDomains(TrainConfig c)
    {
        if (c.CrownVariant is { } variant && !ReluRules.CrownVariants.ContainsKey(variant))
            throw new ParadoxException(
                $"--crown_variant: unknown variant '{variant}' (expected {string.Join(", ", ReluRules.CrownVariants.Keys)})");
        var flags = c.RelaxationFlags();
        Methods.ProvableMethodCatalog.Validate(c);
        if (c.TrainDomain is not null) Methods.ProvableMethodCatalog.TrainRelaxation(c, generator: null);
        foreach (var domain in c.VerifyDomains) RelaxationCatalog.Create(domain, flags, flagName: "--verify_domains");
        var duplicate = c.VerifyDomains.GroupBy(d => d).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ParadoxException($"--verify_domains: domain '{duplicate.Key}' is listed twice");
    }

    static void NonNegative(double value, string flag) => Checks.NonNegative(value, flag, finite: true);

    static void UnitInterval(double value, string flag)
    {
        if (!(value >= 0 && value <= 1)) throw new ParadoxException($"{flag}: must be between 0 and 1 (got {value})");
    }
}
