using System.Globalization;
using System.Text.Json;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Reproduction;
using Paradox.Verification;

namespace Paradox.Training;

/// <summary>
/// The cert.py option table, defined once: every <see cref="TrainConfig"/> setting under the name of the paper's
/// flag, with cert.py's defaults (the property initialisers of <see cref="TrainConfig"/>), plus the native ones.
/// The CLI's `train`/`cert` options and the reproduction's grid resolver are both built from it, and both resolve
/// through <see cref="Resolve"/>. Adding a setting is a <see cref="TrainConfig"/> property and one entry here.
/// </summary>
public static class TrainSettings
{
    internal static readonly TrainConfig Defaults = new();

    public static readonly IReadOnlyList<TrainSetting> All =
    [
        // identity and environment
        Text("label", $"Name of the run and of its directory (required by cert; train default: {Defaults.Label})", c => c.Label,
            (c, v) => c with { Label = v }) with { RequiredByCert = true },
        Text("mode", "eval, train-provable, train-natural or train-pgd (required by cert; train default: train-provable)",
            c => c.Mode.Name(), (c, v) => c with { Mode = TrainModes.Parse(v) }) with { RequiredByCert = true },
        Text("setting", "classification (regression is not supported)", c => "classification", (c, v) => CheckSetting(c, v)),
        Text("dataset", $"mnist, fashion-mnist, cifar10 or svhn (required by cert; train default: {Defaults.Dataset})", c => c.Dataset,
            (c, v) => c with { Dataset = DatasetInfo.Parse(v).Name }) with { RequiredByCert = true },
        Text("net", $"Architecture: {string.Join(", ", Architectures.Names)} (required by cert; train default: {Defaults.Net})", c => c.Net,
            (c, v) => c with { Net = Architectures.Canonical(v) }) with { RequiredByCert = true },
        Text("main_dir", "Directory that holds the runs", c => c.MainDir, (c, v) => c with { MainDir = v }),
        Text("load_model", "Start from (or, with --mode eval, evaluate) this model file (default: fresh weights)", null,
            (c, v) => c with { LoadModel = v }),
        Text("data-dir", "Directory with the dataset files (default: the standard location)", null, (c, v) => c with { DataDir = v }),
        Ignored("neptune", "cert.py's Neptune project: not applicable, ignored with a notice",
            "notice: --neptune is not applicable in Paradox: runs are logged to runs.db and metrics.csv; ignoring it"),
        Ignored("onnx_file", "cert.py's ONNX export: not supported, ignored with a notice",
            "notice: --onnx_file: Paradox does not export ONNX models; ignoring it"),
        Long("seed", "Random seed; the same seed and thread count give bit-identical results (cert.py's default 100)",
            c => c.Seed, (c, v) => c with { Seed = v }) with { Global = true },
        Integer("threads", "Threads libtorch may use (default: all cores)", null, (c, v) => c with { Threads = v }) with { Global = true },
        Text("device", "cpu, cuda, or auto (cuda when available)", null, (c, v) => c with { Device = v }) with { Global = true },

        // relaxations
        Text("train_domain", "Relaxation used for training, as for certify --domains but not the certification-only triangle and milp " +
            "(required by --mode train-provable)", null, (c, v) => c with { TrainDomain = v }),
        Text("crown_variant", $"CROWN/DeepPoly ReLU variant: {string.Join(", ", ReluRules.CrownVariants.Keys)}", null,
            (c, v) => c with { CrownVariant = v }),
        Number("soft_slope_gamma", "Soft lower slope sigmoid(gamma (l/u - u/l)) for zono, deeppoly, crown-ibp", null,
            (c, v) => c with { SoftSlopeGamma = v }),
        Number("zono_kappa", "Scale DeepZ's crossing slope u/(u-l) by kappa", null, (c, v) => c with { ZonoKappa = v }),
        Number("loosebox_widen", "Loose Box: widen every pre-activation interval by omega (continuous)", null,
            (c, v) => c with { LooseboxWiden = v }),
        Number("loosebox_round", "Loose Box: round pre-activation bounds outward with weight omega (discontinuous)", null,
            (c, v) => c with { LooseboxRound = v }),
        Number("dcs_per_one", "Loose Box rounding: discontinuities per unit (F)", c => c.DcsPerOne, (c, v) => c with { DcsPerOne = v }),
        Number("milp_time_limit", $"milp: time limit in seconds per image (all its MILPs; default {MilpEngine.DefaultTimeLimit}); " +
            "an image not decided in time is not certified", null, (c, v) => c with { MilpTimeLimit = v }),
        Long("milp_max_relus", $"milp: refuse networks with more ReLU neurons than this (default {MilpEngine.DefaultMaxRelus}); " +
            "the complete verifier is for small networks", null, (c, v) => c with { MilpMaxRelus = v }),

        // data and model
        Integer("batch_size", "Images per optimizer step", c => c.BatchSize, (c, v) => c with { BatchSize = v }),
        Integer("batch_pieces", "Split each batch into this many pieces (same step, less memory)", c => c.BatchPieces,
            (c, v) => c with { BatchPieces = v }),
        Integer("percent", "Percentage (1-100) of the training set, stratified per class", c => c.Percent,
            (c, v) => c with { Percent = v }),
        Integer("n_train", "Train on the first N training images only (before --percent)", null, (c, v) => c with { NTrain = v }),
        Text("init_method", "Initialisation: default, ibp, kaiming-normal, xavier-normal or orthogonal", c => c.InitMethod,
            (c, v) => c with { InitMethod = JsonNamingPolicy.KebabCaseLower.ConvertName(Architectures.ParseInit(v).ToString()) }),
        Switch("unnormalized", "The network has no Normalize layer (default: normalized)", (c, v) => c with { Unnormalized = v }),
        Switch("relu6", "cert.py's ReLU6 networks: not supported yet (an error)", (c, v) => c with { Relu6 = v }),
        Switch("do_transform", "Augment the training images as cert.py does: cifar10 random horizontal flip and random 32x32 crop " +
            "of the image padded with 4 zero pixels; svhn the crop only (default: off)", (c, v) => c with { DoTransform = v }),

        // loss
        Number("eps_train", "L-infinity training radius reached after the ramp (required by train-provable and train-pgd)", null,
            (c, v) => c with { EpsTrain = v }),
        Text("C", "Specification: diffs (elision) or eye", c => c.C, (c, v) => c with { C = v.ToLowerInvariant() }),
        Text("reg", "Weight regularizer L1 or L2 (default: none)", null, (c, v) => c with { Reg = v.ToUpperInvariant() }),
        Number("reg_lambda", "Weight of the regularizer", c => c.RegLambda, (c, v) => c with { RegLambda = v }),

        // schedule
        Integer("n_epochs", "Epochs of training", c => c.NEpochs, (c, v) => c with { NEpochs = v }),
        Integer("warmup_epochs", "Epochs of natural training before the ramp", c => c.WarmupEpochs, (c, v) => c with { WarmupEpochs = v }),
        Integer("mix_epochs", "Epochs of the linear ramp of eps, kappa and beta", c => c.MixEpochs, (c, v) => c with { MixEpochs = v }),
        Number("eps1", "eps at the start of the ramp", c => c.Eps1, (c, v) => c with { Eps1 = v }),
        Number("kappa1", "Weight of the natural loss at the start of the ramp (0-1)", c => c.Kappa1, (c, v) => c with { Kappa1 = v }),
        Number("kappa2", "Weight of the natural loss at the end of the ramp (0-1)", c => c.Kappa2, (c, v) => c with { Kappa2 = v }),
        Number("beta1", "CROWN-IBP mixing beta at the start of the ramp (0-1)", c => c.Beta1, (c, v) => c with { Beta1 = v }),
        Number("beta2", "CROWN-IBP mixing beta at the end of the ramp (0-1)", c => c.Beta2, (c, v) => c with { Beta2 = v }),

        // optimiser and learning rate
        Text("opt", "Optimizer: adam or sgd", c => c.Opt, (c, v) => c with { Opt = v.ToLowerInvariant() }),
        Number("lr", "Learning rate", c => c.Lr, (c, v) => c with { Lr = v }),
        Numbers("lr_milestones", "Epochs where the LR is multiplied by 0.1, e.g. 130,190; values < 1 are fractions of --n_epochs " +
            "(default: x0.5 every 20 epochs after the ramp)", (c, v) => c with { LrMilestones = v }),
        Switch("ibp_scheduling", "IBP paper's schedule: 2000 warm-up and 10000 ramp steps, LR x0.1 at steps 15000 and 25000 (default: off)",
            (c, v) => c with { IbpScheduling = v }),
        Switch("tenhalf", "Without milestones, halve the LR every 10 epochs after the ramp instead of 20 (default: off)",
            (c, v) => c with { Tenhalf = v }),
        Integer("lr_step_epochs", "Without milestones, halve the LR every K epochs after the ramp (default: 20, or 10 with --tenhalf)",
            null, (c, v) => c with { LrStepEpochs = v }),

        // PGD
        Integer("pgd_steps", "PGD steps (train-pgd and evaluation)", c => c.PgdSteps, (c, v) => c with { PgdSteps = v }),
        Number("pgd_step_size", "PGD step size", c => c.PgdStepSize, (c, v) => c with { PgdStepSize = v }),

        // training method of train-provable (docs/training-methods.md; each default is the method's own, shown here)
        Text("method", $"Objective of --mode train-provable on the --train_domain relaxation: {Methods.ProvableMethodCatalog.Names} " +
            "(default: standard, the study's loss)", null, (c, v) => c with { Method = MethodName(v) }),
        Number("sabr_lambda", "sabr: radius of the propagated box as a fraction of eps, in (0, 1] (default: 0.4)", null,
            (c, v) => c with { SabrLambda = v }),
        Number("mtl_alpha", "mtl-ibp, cc-ibp, exp-ibp: weight alpha of the certified part, in [0, 1] (default: 0.5)", null,
            (c, v) => c with { MtlAlpha = v }),
        Integer("method_pgd_steps", "sabr and the MTL family: PGD steps of the training attack (default: 8)", null,
            (c, v) => c with { MethodPgdSteps = v }),
        Number("method_pgd_step", "sabr and the MTL family: PGD step as a fraction of eps (default: 0.25)", null,
            (c, v) => c with { MethodPgdStep = v }),
        Number("gls_sigma", "rgs, pgpe: standard deviation of the Gaussian weight noise (pgpe: its initial value; default: 0.01)", null,
            (c, v) => c with { GlsSigma = v }),
        Integer("gls_samples", "rgs: perturbed gradients averaged per step, each a full step's cost (default: 4)", null,
            (c, v) => c with { GlsSamples = v }),
        Integer("pgpe_population", "pgpe: antithetic pairs per step, 2 loss evaluations each (default: 8)", null,
            (c, v) => c with { PgpePopulation = v }),
        Number("pgpe_lr", "pgpe: step size of the noise deviation's adaptation; the mean moves with --opt at --lr (default: 0.1)", null,
            (c, v) => c with { PgpeLr = v }),
        Number("pgpe_baseline_decay", "pgpe: decay of the moving-average loss baseline, in [0, 1) (default: 0.9)", null,
            (c, v) => c with { PgpeBaselineDecay = v }),
        Number("ibp_reg", "Shi et al.'s warm-up regulariser: initial weight lambda0, decaying to 0 as eps ramps up " +
            "(with --init_method ibp; default: off)", null, (c, v) => c with { IbpReg = v }),
        Number("ibp_reg_tau", "--ibp_reg: target ratio tau, in (0, 1] (default: 0.5)", null, (c, v) => c with { IbpRegTau = v }),

        // final evaluation
        Numbers("eps_test", "Radii to evaluate, e.g. 0.1 0.3 or 0.1,0.3 (default: none)", (c, v) => c with { EpsTest = v }),
        Texts("verify_domains", "Domains to certify with, e.g. box zono or box,zono; triangle (LP) and milp (exact, small networks) too " +
            "(required by cert; train default: none)", (c, v) => c with { VerifyDomains = v }) with { RequiredByCert = true },
        Integer("verify_max_tests", "Certify only the first N test images (default: all)", null, (c, v) => c with { VerifyMaxTests = v }),
        Integer("skip", "Epochs to skip: 0 skips the first epoch, -1 none", c => c.Skip, (c, v) => c with { Skip = v }),

        // native
        Integer("save_every", "Write a checkpoint every K epochs", c => c.SaveEvery, (c, v) => c with { SaveEvery = v }),
        Number("save_minutes", "Also write progress.ckpt every M minutes inside an epoch, so a kill loses at most M minutes " +
            "(0 = only at epochs)", c => c.SaveMinutes, (c, v) => c with { SaveMinutes = v }),
    ];

    /// <summary>The entry of a flag in any spelling (`--batch-size`, `batch_size`), or null.</summary>
    public static TrainSetting? Find(string flag)
    {
        var key = FlagTokens.Key(flag);
        return All.FirstOrDefault(s => FlagTokens.Key(s.Name) == key);
    }

    /// <summary>
    /// The validated configuration of the flags given (each with its values, in order, as on a command line).
    /// <paramref name="certCompat"/> applies cert.py's rules: --label, --mode, --dataset, --net and --verify_domains
    /// are required and the device defaults to cuda. Notices (CUDA missing, ignored cert.py flags) are returned for the
    /// caller to print once the configuration is valid.
    /// </summary>
    public static (TrainConfig Config, IReadOnlyList<string> Notices) Resolve(IEnumerable<(string Flag, string[] Values)> given,
        bool certCompat)
    {
        var values = new Dictionary<TrainSetting, string[]>();
        foreach (var (flag, v) in given)
        {
            var setting = Find(flag) ?? throw new ParadoxException($"{flag}: unknown flag of cert.py (see ./paradox cert --help)");
            // a repeated list flag adds its values (`--eps_test 0.1 --eps_test 0.3`); a repeated value flag keeps the last
            values[setting] = setting.Kind == SettingKind.List && values.TryGetValue(setting, out var before) ? [.. before, .. v] : v;
        }
        if (certCompat)
            foreach (var required in All.Where(s => s.RequiredByCert))
                if (!values.ContainsKey(required)) throw new ParadoxException($"{required.Flag} is required (as in cert.py)");
        var config = Defaults;
        var notices = new List<string>();
        foreach (var setting in All)
        {
            if (!values.TryGetValue(setting, out var v)) continue;
            if (setting.IgnoredNotice is { } notice) { notices.Add(notice); continue; }
            config = setting.Apply(config, v);
        }
        var (resolved, deviceNotice) = TrainDevice.Resolve(values.ContainsKey(Find("device")!) ? config.Device : null, certCompat);
        config = config with { Device = resolved };
        config.Validate();
        if (deviceNotice is not null) notices.Insert(0, deviceNotice);
        return (config, notices);
    }

    /// <summary>The method's canonical name; standard is stored as no method, so old runs keep their config hash.</summary>
    static string? MethodName(string name) =>
        name.Trim().ToLowerInvariant() is var m && m != Methods.ProvableMethodCatalog.Standard ? m : null;

    static TrainConfig CheckSetting(TrainConfig c, string setting)
    {
        if (setting == "regression") throw new ParadoxException("--setting regression: only classification is supported");
        if (setting != "classification") throw new ParadoxException($"--setting: unknown setting '{setting}' (expected classification)");
        return c;
    }

    // ------------------------------------------------------------ entry factories

    static TrainSetting Text(string name, string description, Func<TrainConfig, object?>? read,
        Func<TrainConfig, string, TrainConfig> set) =>
        new(name, description, SettingKind.Value, (c, v) => set(c, v[0]), read);

    static TrainSetting Integer(string name, string description, Func<TrainConfig, object?>? read,
        Func<TrainConfig, int, TrainConfig> set) =>
        new(name, description, SettingKind.Value,
            (c, v) => set(c, int.TryParse(v[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var x)
                ? x : throw new ParadoxException($"--{name}: '{v[0]}' is not an integer")), read);

    static TrainSetting Long(string name, string description, Func<TrainConfig, object?>? read, Func<TrainConfig, long, TrainConfig> set) =>
        new(name, description, SettingKind.Value,
            (c, v) => set(c, long.TryParse(v[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var x)
                ? x : throw new ParadoxException($"--{name}: '{v[0]}' is not an integer")), read);

    static TrainSetting Number(string name, string description, Func<TrainConfig, object?>? read,
        Func<TrainConfig, double, TrainConfig> set) =>
        new(name, description, SettingKind.Value, (c, v) => set(c, ParseNumber(name, v[0])), read);

    static TrainSetting Switch(string name, string description, Func<TrainConfig, bool, TrainConfig> set) =>
        new(name, description, SettingKind.Switch, (c, v) => set(c, v.Length == 0 || (bool.TryParse(v[0], out var b)
            ? b : throw new ParadoxException($"--{name}: '{v[0]}' is not true or false"))), null);

    static TrainSetting Numbers(string name, string description, Func<TrainConfig, double[], TrainConfig> set) =>
        new(name, description, SettingKind.List, (c, v) => set(c, [.. SplitList(v).Select(x => ParseNumber(name, x))]), null);

    static TrainSetting Texts(string name, string description, Func<TrainConfig, string[], TrainConfig> set) =>
        new(name, description, SettingKind.List, (c, v) => set(c, SplitList(v)), null);

    static TrainSetting Ignored(string name, string description, string notice) =>
        new(name, description, SettingKind.Value, (c, _) => c, null) { IgnoredNotice = notice };

    /// <summary>Separate tokens, comma-separated ones or both: `0.1 0.3`, `0.1,0.3`, `0.1, 0.3`.</summary>
    public static string[] SplitList(IEnumerable<string> tokens) =>
        [.. tokens.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    static double ParseNumber(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            ? x
            : throw new ParadoxException($"--{name}: '{text}' is not a number");
}
