using System.CommandLine;
using Paradox.Relaxations;
using TorchSharp;

namespace Paradox.Cli;

/// <summary>The paper's relaxation variant flags, shared by certify, bounds, train and the analyses.</summary>
public sealed class RelaxationOptions
{
    public readonly Option<string?> CrownVariant = Cli.Option<string?>("crown_variant",
        $"CROWN/DeepPoly ReLU variant: {string.Join(", ", ReluRules.CrownVariants.Keys)}");
    public readonly Option<double?> SoftSlopeGamma = Cli.Option<double?>("soft_slope_gamma",
        "Soft lower slope sigmoid(gamma (l/u - u/l)) for zono, deeppoly, crown-ibp");
    public readonly Option<double?> ZonoKappa = Cli.Option<double?>("zono_kappa", "Scale DeepZ's crossing slope u/(u-l) by kappa");
    public readonly Option<double?> LooseboxWiden = Cli.Option<double?>("loosebox_widen",
        "Loose Box: widen every pre-activation interval by omega (continuous)");
    public readonly Option<double?> LooseboxRound = Cli.Option<double?>("loosebox_round",
        "Loose Box: round pre-activation bounds outward with weight omega (discontinuous)");
    public readonly Option<double?> DcsPerOne = Cli.Option<double?>("dcs_per_one", "Loose Box rounding: discontinuities per unit (F)");
    public readonly Option<double?> MilpTimeLimit = Cli.Option<double?>("milp_time_limit",
        $"milp: time limit in seconds per image (all its MILPs; default {Paradox.Verification.MilpEngine.DefaultTimeLimit}); " +
        "an image not decided in time is not certified");
    public readonly Option<long?> MilpMaxRelus = Cli.Option<long?>("milp_max_relus",
        $"milp: refuse networks with more ReLU neurons than this (default {Paradox.Verification.MilpEngine.DefaultMaxRelus}); " +
        "the complete verifier is for small networks");

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { CrownVariant, SoftSlopeGamma, ZonoKappa, LooseboxWiden, LooseboxRound, DcsPerOne,
            MilpTimeLimit, MilpMaxRelus })
            command.Options.Add(o);
    }

    public RelaxationFlags Read(ParseResult result) => new(
        result.GetValue(CrownVariant), result.GetValue(SoftSlopeGamma), result.GetValue(ZonoKappa),
        result.GetValue(LooseboxWiden), result.GetValue(LooseboxRound), result.GetValue(DcsPerOne),
        result.GetValue(MilpTimeLimit), result.GetValue(MilpMaxRelus));

    /// <summary>Builds every domain of a comma-separated list; the names are kept exactly as typed.</summary>
    public static IReadOnlyList<Relaxation> Parse(string list, RelaxationFlags flags, torch.Generator generator, string flagName)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new ParadoxException($"{flagName}: no domain given (known: {RelaxationCatalog.Names})");
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ParadoxException($"{flagName}: domain '{duplicate.Key}' is listed twice");
        return names.Select(n => RelaxationCatalog.Create(n, flags, generator, flagName)).ToList();
    }

    /// <summary>As <see cref="Parse"/> for commands that need a certified loss: certification-only domains are errors.</summary>
    public static IReadOnlyList<Relaxation> ParseTrainable(string list, RelaxationFlags flags, torch.Generator generator, string flagName)
    {
        var relaxations = Parse(list, flags, generator, flagName);
        foreach (var r in relaxations) RelaxationCatalog.RequireTrainable(r, flagName);
        return relaxations;
    }
}
