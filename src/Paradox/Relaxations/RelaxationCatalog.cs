using System.Globalization;
using Paradox.Verification;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// Builds relaxations from the names users type. A name is `domain[:part]...` where a part is a CROWN variant
/// (`deeppoly:0-c`) or `key=value` with keys `soft` (gamma), `kappa`, `widen`, `round`, `dcs`.
/// Adding a relaxation is one entry in <see cref="Domains"/>.
/// </summary>
public static class RelaxationCatalog
{
    /// <summary>A catalogue entry; <paramref name="CertificationOnly"/> engines (LP, MILP) are not differentiable and
    /// cannot train.</summary>
    sealed record Domain(string Description, Func<RelaxationFlags, Generator?, (IBoundEngine Engine, string Detail)> Build,
        bool IsEstimate = false, bool CertificationOnly = false);

    const int CauchyProjections = 50;

    static readonly Dictionary<string, Domain> Domains = new()
    {
        ["box"] = new("Box / IBP: centre and radius per neuron", (f, g) => Box(f)),
        ["hbox"] = new("hBox: hybrid zonotope with the interval rule (symbolic intervals)",
            (f, g) => Zono(ReluRules.Interval, f, hybrid: true, "hbox")),
        ["hzono"] = new("hybrid zonotope with the DeepZ rule", (f, g) => Zono(ZonoRule(f), f, hybrid: true, "hzono", allowSlopes: true)),
        ["zono"] = new("DeepZ: zonotopes with the minimal-area parallelogram",
            (f, g) => Zono(ZonoRule(f), f, hybrid: false, "zono", allowSlopes: true)),
        ["zbox"] = new("zonotope with the interval rule", (f, g) => Zono(ReluRules.Interval, f, hybrid: false, "zbox")),
        ["zdiag"] = new("zonotope with the Diag rule (lam 1)", (f, g) => Zono(ReluRules.Diag, f, hybrid: false, "zdiag")),
        ["zdiag-c"] = new("zonotope with Diag-C (sound: shifted inactive neurons get error terms)",
            (f, g) => Zono(ReluRules.DiagC, f, hybrid: false, "zdiag-c")),
        ["zswitch"] = new("zonotope switching Diag / interval at |l| = |u|", (f, g) => Zono(ReluRules.Switch, f, hybrid: false, "zswitch")),
        ["hdiag"] = new("hybrid zonotope with the Diag rule", (f, g) => Zono(ReluRules.Diag, f, hybrid: true, "hdiag")),
        ["hdiag-c"] = new("hybrid zonotope with Diag-C", (f, g) => Zono(ReluRules.DiagC, f, hybrid: true, "hdiag-c")),
        ["hswitch"] = new("hybrid zonotope switching Diag / interval", (f, g) => Zono(ReluRules.Switch, f, hybrid: true, "hswitch")),
        ["zono-ibp"] = new("DeepZ-IBP (R): DeepZ with pre-activation bounds from Box",
            (f, g) => Zono(ZonoRule(f), f, hybrid: false, "zono-ibp", allowSlopes: true, preBoundsFromBox: true)),
        ["deeppoly"] = new("CROWN / DeepPoly: back-substitution for every layer", (f, g) => Crown(f, preBoundsFromBox: false, "deeppoly")),
        ["crown-ibp"] = new("CROWN-IBP: Box pre-activation bounds, back-substitution of the output",
            (f, g) => Crown(f, preBoundsFromBox: true, "crown-ibp")),
        ["iclr2021"] = new("CROWN-IBP with one signed-gradient step on random crossing lower slopes",
            (f, g) => Crown(f, preBoundsFromBox: true, "iclr2021", optimize: true, generator: g)),
        ["cauchy-zono"] = new("DeepZ with Cauchy-projected generator norms (ESTIMATE, not a certificate)",
            (f, g) => Zono(ZonoRule(f), f, hybrid: false, "cauchy-zono", allowSlopes: true, cauchy: true, generator: g), IsEstimate: true),
        ["cauchy-hbox"] = new("hBox with Cauchy-projected generator norms (ESTIMATE, not a certificate)",
            (f, g) => Zono(ReluRules.Interval, f, hybrid: true, "cauchy-hbox", cauchy: true, generator: g), IsEstimate: true),
        ["triangle"] = new("Triangle LP: the tightest single-neuron convex relaxation as a linear program per image (certification only)",
            (f, g) => Triangle(f), CertificationOnly: true),
        ["milp"] = new("complete MILP verifier: exact, for small networks (certification only; --milp_time_limit per image)",
            (f, g) => Milp(f), CertificationOnly: true),
    };

    static readonly Dictionary<string, string> Aliases = new()
    {
        ["ibp"] = "box", ["interval"] = "box", ["crown"] = "deeppoly", ["deepz"] = "zono", ["crownibp"] = "crown-ibp",
        ["crown_ibp"] = "crown-ibp", ["zonotope"] = "zono", ["lp"] = "triangle", ["exact"] = "milp",
    };

    public static IEnumerable<(string Name, string Description)> Available =>
        Domains.Select(kv => (kv.Key, kv.Value.Description));

    public static string Names => string.Join(", ", Domains.Keys);

    /// <summary>The domains that can train (differentiable): every one but the certification-only LP and MILP.</summary>
    public static IEnumerable<string> Trainable => Domains.Where(kv => !kv.Value.CertificationOnly).Select(kv => kv.Key);

    /// <summary>
    /// Builds a relaxation for training (a certified loss); certification-only domains are an error naming the flag.
    /// </summary>
    public static Relaxation CreateTrainable(string spec, RelaxationFlags? flags = null, Generator? generator = null,
        string flagName = "--train_domain") =>
        RequireTrainable(Create(spec, flags, generator, flagName), flagName);

    /// <summary>The relaxation itself when it can train; a certification-only one is an error naming the flag it came from.</summary>
    public static Relaxation RequireTrainable(Relaxation relaxation, string flagName) =>
        relaxation.CertificationOnly
            ? throw new ParadoxException(
                $"{flagName}: domain '{relaxation.Name}' is certification only: not differentiable " +
                "(use it with --verify_domains, certify or bounds)")
            : relaxation;

    /// <summary>Parses and builds a relaxation; unknown names and flags that do not apply are errors naming the flag.</summary>
    public static Relaxation Create(string spec, RelaxationFlags? flags = null, Generator? generator = null, string flagName = "--domains")
    {
        flags ??= new RelaxationFlags();
        var parts = spec.Trim().Split(':');
        if (DomainOf(spec) is not { } key || !Domains.TryGetValue(key, out var domain))
            throw new ParadoxException($"{flagName}: unknown domain '{parts[0]}' (known: {Names})");
        foreach (var part in parts.Skip(1))
            flags = ApplyPart(flags, part, spec, flagName);
        var (engine, detail) = domain.Build(flags, generator);
        return new Relaxation(spec.Trim(), domain.Description + detail, engine, domain.IsEstimate, domain.CertificationOnly);
    }

    /// <summary>The catalogue name of a relaxation's domain (`crown:0-c` -> `deeppoly`), or null when it is unknown.</summary>
    public static string? DomainOf(string spec)
    {
        var key = spec.Trim().Split(':')[0].ToLowerInvariant();
        if (Aliases.TryGetValue(key, out var canonical)) key = canonical;
        return Domains.ContainsKey(key) ? key : null;
    }

    static RelaxationFlags ApplyPart(RelaxationFlags flags, string part, string spec, string flagName)
    {
        var kv = part.Split('=', 2);
        if (kv.Length == 1) return flags with { CrownVariant = part };
        if (!double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new ParadoxException($"{flagName}: '{spec}': '{kv[1]}' is not a number");
        return kv[0].ToLowerInvariant() switch
        {
            "soft" or "gamma" or "soft_slope_gamma" => flags with { SoftSlopeGamma = value },
            "kappa" or "zono_kappa" => flags with { ZonoKappa = value },
            "widen" or "loosebox_widen" => flags with { LooseboxWiden = value },
            "round" or "loosebox_round" => flags with { LooseboxRound = value },
            "dcs" or "f" or "dcs_per_one" => flags with { DcsPerOne = value },
            "time" or "milp_time_limit" => flags with { MilpTimeLimit = value },
            "max_relus" or "milp_max_relus" => flags with { MilpMaxRelus = (long)value },
            _ => throw new ParadoxException(
                $"{flagName}: '{spec}': unknown option '{kv[0]}' (expected soft, kappa, widen, round, dcs, time or max_relus)"),
        };
    }

    static (IBoundEngine, string) Box(RelaxationFlags f)
    {
        Reject(f.CrownVariant is not null, "--crown_variant", "box");
        Reject(f.SoftSlopeGamma is not null, "--soft_slope_gamma", "box");
        Reject(f.ZonoKappa is not null, "--zono_kappa", "box");
        if (f.LooseboxWiden is { } w && f.LooseboxRound is not null)
            throw new ParadoxException("--loosebox_widen and --loosebox_round cannot be combined");
        if (f.LooseboxWiden is { } omega)
        {
            Checks.NonNegative(omega, "--loosebox_widen");
            return (new BoxEngine(ReluRules.Interval, BoxEngine.Widen(omega)), $" (widened by {omega})");
        }
        if (f.LooseboxRound is { } round)
        {
            Checks.NonNegative(round, "--loosebox_round");
            double dcs = f.DcsPerOne ?? throw new ParadoxException("--loosebox_round needs --dcs_per_one");
            if (!(dcs > 0)) throw new ParadoxException($"--dcs_per_one: must be > 0 (got {dcs})");
            return (new BoxEngine(ReluRules.Interval, BoxEngine.Round(round, dcs)), $" (rounded, omega {round}, {dcs} jumps per unit)");
        }
        Reject(f.DcsPerOne is not null, "--dcs_per_one", "box without --loosebox_round");
        return (BoxEngine.Standard, "");
    }

    static ReluRule ZonoRule(RelaxationFlags f)
    {
        if (f.SoftSlopeGamma is not null && f.ZonoKappa is not null)
            throw new ParadoxException("--soft_slope_gamma and --zono_kappa cannot be combined");
        if (f.SoftSlopeGamma is { } gamma) return ReluRules.ZonoSoft(gamma);
        if (f.ZonoKappa is { } kappa)
        {
            if (!(kappa >= 0)) throw new ParadoxException($"--zono_kappa: must be >= 0 (got {kappa})");
            return ReluRules.ZonoKappa(kappa);
        }
        return ReluRules.Zono;
    }

    static (IBoundEngine, string) Zono(ReluRule rule, RelaxationFlags f, bool hybrid, string name, bool allowSlopes = false,
        bool preBoundsFromBox = false, bool cauchy = false, Generator? generator = null)
    {
        Reject(f.CrownVariant is not null, "--crown_variant", name);
        Reject(!allowSlopes && f.SoftSlopeGamma is not null, "--soft_slope_gamma", name);
        Reject(!allowSlopes && f.ZonoKappa is not null, "--zono_kappa", name);
        RejectLoose(f, name);
        var engine = new ZonotopeEngine(rule, hybrid, preBoundsFromBox, cauchy ? CauchyProjections : null, generator);
        return (engine, rule == ReluRules.Zono || rule == ReluRules.Interval ? "" : $" [{rule.Name}]");
    }

    static (IBoundEngine, string) Crown(RelaxationFlags f, bool preBoundsFromBox, string name, bool optimize = false,
        Generator? generator = null)
    {
        RejectLoose(f, name);
        Reject(f.ZonoKappa is not null, "--zono_kappa", name);
        if (f.SoftSlopeGamma is not null && f.CrownVariant is not null)
            throw new ParadoxException("--soft_slope_gamma and --crown_variant cannot be combined");
        ReluRule rule = ReluRules.CrownStandard;
        if (f.SoftSlopeGamma is { } gamma) rule = ReluRules.CrownSoft(gamma);
        else if (f.CrownVariant is { } v && v != "" && v != "standard")
        {
            if (!ReluRules.CrownVariants.TryGetValue(v.ToLowerInvariant(), out var variant))
                throw new ParadoxException(
                    $"--crown_variant: unknown variant '{v}' (known: {string.Join(", ", ReluRules.CrownVariants.Keys)})");
            rule = variant;
        }
        var detail = rule == ReluRules.CrownStandard ? "" : $" [{rule.Name}]";
        return (new BackSubstitutionEngine(rule, preBoundsFromBox, optimize, generator), detail);
    }

    static (IBoundEngine, string) Triangle(RelaxationFlags f)
    {
        RejectRelaxationFlags(f, "triangle");
        return (new TriangleLpEngine(), "");
    }

    static (IBoundEngine, string) Milp(RelaxationFlags f)
    {
        RejectRelaxationFlags(f, "milp");
        var engine = MilpVerifier(f);
        return (engine, $" (time limit {engine.TimeLimitSeconds} s per image)");
    }

    /// <summary>The complete verifier with the time and size limits of <paramref name="f"/> (checked); a network too
    /// large is refused naming <paramref name="sizeFlag"/>.</summary>
    public static MilpEngine MilpVerifier(RelaxationFlags f, string sizeFlag = "--milp_max_relus")
    {
        double time = f.MilpTimeLimit ?? MilpEngine.DefaultTimeLimit;
        if (!(time > 0)) throw new ParadoxException($"--milp_time_limit: must be > 0 seconds (got {time})");
        long max = f.MilpMaxRelus ?? MilpEngine.DefaultMaxRelus;
        if (max < 1) throw new ParadoxException($"--milp_max_relus: must be at least 1 (got {max})");
        return new MilpEngine(time, max, flagName: sizeFlag);
    }

    /// <summary>The LP and MILP have no ReLU rule to vary.</summary>
    static void RejectRelaxationFlags(RelaxationFlags f, string name)
    {
        Reject(f.CrownVariant is not null, "--crown_variant", name);
        Reject(f.SoftSlopeGamma is not null, "--soft_slope_gamma", name);
        Reject(f.ZonoKappa is not null, "--zono_kappa", name);
        RejectLoose(f, name);
    }

    static void RejectLoose(RelaxationFlags f, string name)
    {
        Reject(f.LooseboxWiden is not null, "--loosebox_widen", name);
        Reject(f.LooseboxRound is not null, "--loosebox_round", name);
        Reject(f.DcsPerOne is not null, "--dcs_per_one", name);
    }

    static void Reject(bool condition, string flag, string domain)
    {
        if (condition) throw new ParadoxException($"{flag} does not apply to domain {domain}");
    }
}
