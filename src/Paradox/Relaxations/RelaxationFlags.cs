using Paradox.Verification;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>The variant flags of the paper's scripts; a domain's own `:key=value` parts override them.</summary>
public sealed record RelaxationFlags(
    string? CrownVariant = null,
    double? SoftSlopeGamma = null,
    double? ZonoKappa = null,
    double? LooseboxWiden = null,
    double? LooseboxRound = null,
    double? DcsPerOne = null,
    double? MilpTimeLimit = null,
    long? MilpMaxRelus = null);
