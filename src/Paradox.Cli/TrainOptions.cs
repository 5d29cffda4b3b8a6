using System.CommandLine;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Training;

namespace Paradox.Cli;

/// <summary>
/// The options of `paradox train` and `paradox cert`: every <see cref="TrainConfig"/> setting under the name of
/// the paper's cert.py flag (each also answers to its kebab-case spelling), with cert.py's defaults, plus the
/// native `--save_every`, `--data-dir`, `--resume` and `--dry_run`. Seed, threads and device are the root's.
/// </summary>
public sealed class TrainOptions
{
    static readonly TrainConfig Defaults = new();

    // identity and environment
    public readonly Option<string?> Label = Cli.Option<string?>("label", $"Name of the run and of its directory (required by cert; train default: {Defaults.Label})");
    public readonly Option<string?> Mode = Cli.Option<string?>("mode", "eval, train-provable, train-natural or train-pgd (required by cert; train default: train-provable)");
    public readonly Option<string> Setting = Cli.Option("setting", "classification (regression is not supported)", "classification");
    public readonly Option<string?> Dataset = Cli.Option<string?>("dataset", $"mnist, fashion-mnist, cifar10 or svhn (required by cert; train default: {Defaults.Dataset})");
    public readonly Option<string?> Net = Cli.Option<string?>("net", $"Architecture: {string.Join(", ", Architectures.Names)} (required by cert; train default: {Defaults.Net})");
    public readonly Option<string> MainDir = Cli.Option("main_dir", "Directory that holds the runs", Defaults.MainDir);
    public readonly Option<string?> LoadModel = Cli.Option<string?>("load_model", "Start from (or, with --mode eval, evaluate) this model file (default: fresh weights)");
    public readonly Option<string?> DataDir = Cli.Option<string?>("data-dir", "Directory with the dataset files (default: the standard location)");
    public readonly Option<string?> Neptune = Cli.Option<string?>("neptune", "cert.py's Neptune project: not applicable, ignored with a notice");
    public readonly Option<string?> OnnxFile = Cli.Option<string?>("onnx_file", "cert.py's ONNX export: not supported, ignored with a notice");

    // relaxations
    public readonly RelaxationOptions Relaxation = new();
    public readonly Option<string?> TrainDomain = Cli.Option<string?>("train_domain", "Relaxation used for training, as for certify --domains but not the certification-only triangle and milp (required by --mode train-provable)");

    // data and model
    public readonly Option<int> BatchSize = Cli.Option("batch_size", "Images per optimizer step", Defaults.BatchSize);
    public readonly Option<int> BatchPieces = Cli.Option("batch_pieces", "Split each batch into this many pieces (same step, less memory)", Defaults.BatchPieces);
    public readonly Option<int> Percent = Cli.Option("percent", "Percentage (1-100) of the training set, stratified per class", Defaults.Percent);
    public readonly Option<int?> NTrain = Cli.Option<int?>("n_train", "Train on the first N training images only (before --percent)");
    public readonly Option<string> InitMethod = Cli.Option("init_method", "Initialisation: default, ibp, kaiming-normal, xavier-normal or orthogonal", Defaults.InitMethod);
    public readonly Option<bool> Unnormalized = Cli.Option<bool>("unnormalized", "The network has no Normalize layer (default: normalized)");
    public readonly Option<bool> Relu6 = Cli.Option<bool>("relu6", "cert.py's ReLU6 networks: not supported yet (an error)");
    public readonly Option<bool> DoTransform = Cli.Option<bool>("do_transform", "Augment the training images as cert.py does: cifar10 random horizontal flip and random 32x32 crop of the image padded with 4 zero pixels; svhn the crop only (default: off)");

    // loss
    public readonly Option<double?> EpsTrain = Cli.Option<double?>("eps_train", "L-infinity training radius reached after the ramp (required by train-provable and train-pgd)");
    public readonly Option<string> C = Cli.Option("C", "Specification: diffs (elision) or eye", Defaults.C);
    public readonly Option<string?> Reg = Cli.Option<string?>("reg", "Weight regularizer L1 or L2 (default: none)");
    public readonly Option<double> RegLambda = Cli.Option("reg_lambda", "Weight of the regularizer", Defaults.RegLambda);

    // schedule
    public readonly Option<int> NEpochs = Cli.Option("n_epochs", "Epochs of training", Defaults.NEpochs);
    public readonly Option<int> WarmupEpochs = Cli.Option("warmup_epochs", "Epochs of natural training before the ramp", Defaults.WarmupEpochs);
    public readonly Option<int> MixEpochs = Cli.Option("mix_epochs", "Epochs of the linear ramp of eps, kappa and beta", Defaults.MixEpochs);
    public readonly Option<double> Eps1 = Cli.Option("eps1", "eps at the start of the ramp", Defaults.Eps1);
    public readonly Option<double> Kappa1 = Cli.Option("kappa1", "Weight of the natural loss at the start of the ramp (0-1)", Defaults.Kappa1);
    public readonly Option<double> Kappa2 = Cli.Option("kappa2", "Weight of the natural loss at the end of the ramp (0-1)", Defaults.Kappa2);
    public readonly Option<double> Beta1 = Cli.Option("beta1", "CROWN-IBP mixing beta at the start of the ramp (0-1)", Defaults.Beta1);
    public readonly Option<double> Beta2 = Cli.Option("beta2", "CROWN-IBP mixing beta at the end of the ramp (0-1)", Defaults.Beta2);

    // optimiser and learning rate
    public readonly Option<string> Opt = Cli.Option("opt", "Optimizer: adam or sgd", Defaults.Opt);
    public readonly Option<double> Lr = Cli.Option("lr", "Learning rate", Defaults.Lr);
    public readonly Option<string[]> LrMilestones = ListOptions.Create("lr_milestones", "Epochs where the LR is multiplied by 0.1, e.g. 130,190; values < 1 are fractions of --n_epochs (default: x0.5 every 20 epochs after the ramp)");
    public readonly Option<bool> IbpScheduling = Cli.Option<bool>("ibp_scheduling", "IBP paper's schedule: 2000 warm-up and 10000 ramp steps, LR x0.1 at steps 15000 and 25000 (default: off)");
    public readonly Option<bool> Tenhalf = Cli.Option<bool>("tenhalf", "Without milestones, halve the LR every 10 epochs after the ramp instead of 20 (default: off)");
    public readonly Option<int?> LrStepEpochs = Cli.Option<int?>("lr_step_epochs", "Without milestones, halve the LR every K epochs after the ramp (default: 20, or 10 with --tenhalf)");

    // PGD
    public readonly Option<int> PgdSteps = Cli.Option("pgd_steps", "PGD steps (train-pgd and evaluation)", Defaults.PgdSteps);
    public readonly Option<double> PgdStepSize = Cli.Option("pgd_step_size", "PGD step size", Defaults.PgdStepSize);

    // training method of train-provable (issue 14; each default is the method's own, shown in its help)
    public readonly Option<string?> Method = Cli.Option<string?>("method", $"Objective of --mode train-provable on the --train_domain relaxation: {Training.Methods.ProvableMethodCatalog.Names} (default: standard, the study's loss)");
    public readonly Option<double?> SabrLambda = Cli.Option<double?>("sabr_lambda", "sabr: radius of the propagated box as a fraction of eps, in (0, 1] (default: 0.4)");
    public readonly Option<double?> MtlAlpha = Cli.Option<double?>("mtl_alpha", "mtl-ibp, cc-ibp, exp-ibp: weight alpha of the certified part, in [0, 1] (default: 0.5)");
    public readonly Option<int?> MethodPgdSteps = Cli.Option<int?>("method_pgd_steps", "sabr and the MTL family: PGD steps of the training attack (default: 8)");
    public readonly Option<double?> MethodPgdStep = Cli.Option<double?>("method_pgd_step", "sabr and the MTL family: PGD step as a fraction of eps (default: 0.25)");
    public readonly Option<double?> GlsSigma = Cli.Option<double?>("gls_sigma", "rgs, pgpe: standard deviation of the Gaussian weight noise (pgpe: its initial value; default: 0.01)");
    public readonly Option<int?> GlsSamples = Cli.Option<int?>("gls_samples", "rgs: perturbed gradients averaged per step, each a full step's cost (default: 4)");
    public readonly Option<int?> PgpePopulation = Cli.Option<int?>("pgpe_population", "pgpe: antithetic pairs per step, 2 loss evaluations each (default: 8)");
    public readonly Option<double?> PgpeLr = Cli.Option<double?>("pgpe_lr", "pgpe: step size of the noise deviation's adaptation; the mean moves with --opt at --lr (default: 0.1)");
    public readonly Option<double?> PgpeBaselineDecay = Cli.Option<double?>("pgpe_baseline_decay", "pgpe: decay of the moving-average loss baseline, in [0, 1) (default: 0.9)");
    public readonly Option<double?> IbpReg = Cli.Option<double?>("ibp_reg", "Shi et al.'s warm-up regulariser: initial weight lambda0, decaying to 0 as eps ramps up (with --init_method ibp; default: off)");
    public readonly Option<double?> IbpRegTau = Cli.Option<double?>("ibp_reg_tau", "--ibp_reg: target ratio tau, in (0, 1] (default: 0.5)");

    // final evaluation
    public readonly Option<string[]> EpsTest = ListOptions.Create("eps_test", "Radii to evaluate, e.g. 0.1 0.3 or 0.1,0.3 (default: none)");
    public readonly Option<string[]> VerifyDomains = ListOptions.Create("verify_domains", "Domains to certify with, e.g. box zono or box,zono; triangle (LP) and milp (exact, small networks) too (required by cert; train default: none)");
    public readonly Option<int?> VerifyMaxTests = Cli.Option<int?>("verify_max_tests", "Certify only the first N test images (default: all)");
    public readonly Option<int> Skip = Cli.Option("skip", "Epochs to skip: 0 skips the first epoch, -1 none", Defaults.Skip);

    // native
    public readonly Option<int> SaveEvery = Cli.Option("save_every", "Write a checkpoint every K epochs", Defaults.SaveEvery);
    public readonly Option<string?> Resume = Cli.Option<string?>("resume", "Continue the run in this run directory from its last checkpoint");
    public readonly Option<bool> DryRun = Cli.Option<bool>("dry_run", "Print the resolved configuration as JSON and exit without touching any file");

    public void AddTo(Command command)
    {
        Relaxation.AddTo(command);
        foreach (var o in new Option[]
        {
            Label, Mode, Setting, Dataset, Net, MainDir, LoadModel, DataDir, Neptune, OnnxFile, TrainDomain,
            BatchSize, BatchPieces, Percent, NTrain, InitMethod, Unnormalized, Relu6, DoTransform,
            EpsTrain, C, Reg, RegLambda, NEpochs, WarmupEpochs, MixEpochs, Eps1, Kappa1, Kappa2, Beta1, Beta2,
            Opt, Lr, LrMilestones, IbpScheduling, Tenhalf, LrStepEpochs, PgdSteps, PgdStepSize,
            Method, SabrLambda, MtlAlpha, MethodPgdSteps, MethodPgdStep, GlsSigma, GlsSamples, PgpePopulation, PgpeLr, PgpeBaselineDecay,
            IbpReg, IbpRegTau,
            EpsTest, VerifyDomains, VerifyMaxTests, Skip, SaveEvery, Resume, DryRun,
        })
            command.Options.Add(o);
    }

    /// <summary>
    /// The resolved, validated configuration. <paramref name="certCompat"/> applies cert.py's rules: --label,
    /// --mode, --dataset, --net and --verify_domains are required and the device defaults to cuda. Notices
    /// (CUDA missing, ignored cert.py flags) go to stderr once the configuration is valid.
    /// </summary>
    public TrainConfig Read(ParseResult result, bool certCompat)
    {
        string RequiredByCert(Option<string?> option, string trainDefault) =>
            result.GetValue(option) ?? (certCompat ? throw new ParadoxException($"{option.Name} is required (as in cert.py)") : trainDefault);

        CheckSetting(result.GetValue(Setting)!);
        var flags = Relaxation.Read(result);
        var (device, deviceNotice) = TrainDevice.Resolve(result, certCompat);
        var verifyDomains = ListOptions.Values(result, VerifyDomains);
        if (certCompat && verifyDomains is null) throw new ParadoxException($"{VerifyDomains.Name} is required (as in cert.py)");
        var config = new TrainConfig
        {
            Label = RequiredByCert(Label, Defaults.Label),
            Seed = result.GetResult(Cli.Seed) is { Implicit: false } ? result.GetValue(Cli.Seed) : Defaults.Seed,
            Device = device,
            Threads = result.GetValue(Cli.Threads),
            Mode = TrainModes.Parse(RequiredByCert(Mode, Defaults.Mode.Name())),
            Dataset = DatasetInfo.Parse(RequiredByCert(Dataset, Defaults.Dataset)).Name,
            Net = Architectures.Canonical(RequiredByCert(Net, Defaults.Net)),
            DataDir = result.GetValue(DataDir),
            MainDir = result.GetValue(MainDir)!,
            LoadModel = result.GetValue(LoadModel),
            TrainDomain = result.GetValue(TrainDomain),
            CrownVariant = flags.CrownVariant,
            SoftSlopeGamma = flags.SoftSlopeGamma,
            ZonoKappa = flags.ZonoKappa,
            LooseboxWiden = flags.LooseboxWiden,
            LooseboxRound = flags.LooseboxRound,
            DcsPerOne = flags.DcsPerOne ?? Defaults.DcsPerOne,
            BatchSize = result.GetValue(BatchSize),
            BatchPieces = result.GetValue(BatchPieces),
            Percent = result.GetValue(Percent),
            NTrain = result.GetValue(NTrain),
            InitMethod = InitMethodName(result.GetValue(InitMethod)!),
            Unnormalized = result.GetValue(Unnormalized),
            Relu6 = result.GetValue(Relu6),
            DoTransform = result.GetValue(DoTransform),
            EpsTrain = result.GetValue(EpsTrain),
            C = result.GetValue(C)!.ToLowerInvariant(),
            Reg = result.GetValue(Reg)?.ToUpperInvariant(),
            RegLambda = result.GetValue(RegLambda),
            NEpochs = result.GetValue(NEpochs),
            WarmupEpochs = result.GetValue(WarmupEpochs),
            MixEpochs = result.GetValue(MixEpochs),
            Eps1 = result.GetValue(Eps1),
            Kappa1 = result.GetValue(Kappa1),
            Kappa2 = result.GetValue(Kappa2),
            Beta1 = result.GetValue(Beta1),
            Beta2 = result.GetValue(Beta2),
            Opt = result.GetValue(Opt)!.ToLowerInvariant(),
            Lr = result.GetValue(Lr),
            LrMilestones = ListOptions.Numbers(result, LrMilestones),
            IbpScheduling = result.GetValue(IbpScheduling),
            Tenhalf = result.GetValue(Tenhalf),
            LrStepEpochs = result.GetValue(LrStepEpochs),
            PgdSteps = result.GetValue(PgdSteps),
            PgdStepSize = result.GetValue(PgdStepSize),
            Method = MethodName(result.GetValue(Method)),
            SabrLambda = result.GetValue(SabrLambda),
            MtlAlpha = result.GetValue(MtlAlpha),
            MethodPgdSteps = result.GetValue(MethodPgdSteps),
            MethodPgdStep = result.GetValue(MethodPgdStep),
            GlsSigma = result.GetValue(GlsSigma),
            GlsSamples = result.GetValue(GlsSamples),
            PgpePopulation = result.GetValue(PgpePopulation),
            PgpeLr = result.GetValue(PgpeLr),
            PgpeBaselineDecay = result.GetValue(PgpeBaselineDecay),
            IbpReg = result.GetValue(IbpReg),
            IbpRegTau = result.GetValue(IbpRegTau),
            EpsTest = ListOptions.Numbers(result, EpsTest) ?? [],
            VerifyDomains = verifyDomains ?? [],
            VerifyMaxTests = result.GetValue(VerifyMaxTests),
            Skip = result.GetValue(Skip),
            SaveEvery = result.GetValue(SaveEvery),
        };
        config.Validate();
        PrintNotices(result, deviceNotice);
        return config;
    }

    static void CheckSetting(string setting)
    {
        if (setting == "regression") throw new ParadoxException("--setting regression: only classification is supported");
        if (setting != "classification") throw new ParadoxException($"--setting: unknown setting '{setting}' (expected classification)");
    }

    /// <summary>`--method` in lower case; `standard` (the study's loss) is stored as unset, so its runs keep their hashes.</summary>
    static string? MethodName(string? name) =>
        name?.Trim().ToLowerInvariant() is { } m && m != Training.Methods.ProvableMethodCatalog.Standard ? m : null;

    /// <summary>The canonical spelling (`kaiming-normal`) of an `--init_method` name.</summary>
    static string InitMethodName(string name) =>
        System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(Architectures.ParseInit(name).ToString());

    void PrintNotices(ParseResult result, string? deviceNotice)
    {
        if (deviceNotice is not null) Console.Error.WriteLine(deviceNotice);
        if (result.GetValue(Neptune) is not null)
            Console.Error.WriteLine("notice: --neptune is not applicable in Paradox: runs are logged to runs.db and metrics.csv; ignoring it");
        if (result.GetValue(OnnxFile) is not null)
            Console.Error.WriteLine("notice: --onnx_file: Paradox does not export ONNX models; ignoring it");
    }
}
