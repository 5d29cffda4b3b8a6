using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Paradox.Training;

/// <summary>
/// Every resolved setting of a run: the flags of the paper's `cert.py` (same names and meanings) plus the
/// native ones. Serialised to `config.json`; its hash identifies the run's configuration.
/// </summary>
public sealed record TrainConfig
{
    // identity and environment
    public string Label { get; init; } = "run";
    public long Seed { get; init; } = 100;
    public string Device { get; init; } = "cpu";
    public int? Threads { get; init; }
    public TrainMode Mode { get; init; } = TrainMode.TrainProvable;
    public string Dataset { get; init; } = "mnist";
    public string Net { get; init; } = "FC";
    public string? DataDir { get; init; }
    public string MainDir { get; init; } = ".";
    public string? LoadModel { get; init; }

    // relaxation used for training (a catalogue name, possibly with `:variant` parts) and its variant flags
    public string? TrainDomain { get; init; }
    public string? CrownVariant { get; init; }
    public double? SoftSlopeGamma { get; init; }
    public double? ZonoKappa { get; init; }
    public double? LooseboxWiden { get; init; }
    public double? LooseboxRound { get; init; }
    public double DcsPerOne { get; init; } = 1;
    /// <summary>milp: seconds per image of the final evaluation (null: the engine's default).</summary>
    public double? MilpTimeLimit { get; init; }
    /// <summary>milp: the largest network (ReLU neurons) it accepts (null: the engine's default).</summary>
    public long? MilpMaxRelus { get; init; }

    // data and model
    public int BatchSize { get; init; } = 100;
    public int BatchPieces { get; init; } = 1;
    /// <summary>Percentage (1-100) of the training set, stratified per class.</summary>
    public int Percent { get; init; } = 100;
    /// <summary>Native: train on the first N training images only (applied before Percent).</summary>
    public int? NTrain { get; init; }
    public string InitMethod { get; init; } = "default";
    public bool Unnormalized { get; init; }
    public bool Relu6 { get; init; }
    public bool DoTransform { get; init; }

    // loss
    public double? EpsTrain { get; init; }
    public string C { get; init; } = "diffs";
    public string? Reg { get; init; }
    public double RegLambda { get; init; }

    // schedule: warm-up (natural) -> ramp of eps/kappa/beta -> constant, counted in optimizer steps
    public int NEpochs { get; init; } = 200;
    public int WarmupEpochs { get; init; }
    public int MixEpochs { get; init; } = 50;
    public double Eps1 { get; init; }
    public double Kappa1 { get; init; } = 1;
    public double Kappa2 { get; init; }
    public double Beta1 { get; init; } = 1;
    public double Beta2 { get; init; } = 1;

    // optimiser and learning-rate schedule
    public string Opt { get; init; } = "adam";
    public double Lr { get; init; } = 5e-4;
    /// <summary>Epochs at which the LR is multiplied by 0.1; values below 1 are fractions of NEpochs.</summary>
    public double[]? LrMilestones { get; init; }
    public bool IbpScheduling { get; init; }
    public bool Tenhalf { get; init; }
    /// <summary>Native: without milestones, the period (epochs) of the x0.5 LR steps after the ramp; null = 20 (10 with Tenhalf).
    /// Scaled profiles of the reproduction grid set it so a shortened run keeps the paper's LR schedule in proportion.
    /// Not written when null: configs hashed by <see cref="LegacyHash"/> predate it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LrStepEpochs { get; init; }

    // training method of train-provable beyond the study's loss (issue 14); null = the study's (`--method standard`).
    // Every one is omitted from config.json when unset, so the hashes of earlier runs do not change.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Method { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SabrLambda { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? MtlAlpha { get; init; }
    /// <summary>Steps and step (a fraction of eps) of the training attack of sabr and the MTL family.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? MethodPgdSteps { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? MethodPgdStep { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? GlsSigma { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? GlsSamples { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? PgpePopulation { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? PgpeLr { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? PgpeBaselineDecay { get; init; }
    /// <summary>Shi et al.'s warm-up regulariser: its initial weight lambda0 (null or 0: off) and tau.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? IbpReg { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? IbpRegTau { get; init; }

    // PGD (train-pgd and evaluation)
    public int PgdSteps { get; init; } = 100;
    public double PgdStepSize { get; init; } = 0.01;

    // final evaluation
    public double[] EpsTest { get; init; } = [];
    public string[] VerifyDomains { get; init; } = [];
    public int? VerifyMaxTests { get; init; }
    /// <summary>`--skip` of cert.py: the number of epochs to skip (0 = skip the first epoch), -1 = none.</summary>
    public int Skip { get; init; } = -1;

    // native
    public int SaveEvery { get; init; } = 1;
    /// <summary>Minutes between mid-epoch checkpoints (progress.ckpt), so a kill loses at most this much; 0 = only at epochs.</summary>
    public double SaveMinutes { get; init; } = 30;

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainConfig FromJson(string json, string source)
    {
        try { return JsonSerializer.Deserialize<TrainConfig>(json, Json) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new ParadoxException($"{source}: not a valid run configuration ({e.Message})", e); }
    }

    /// <summary>Settings that do not change the trained weights: where and how fast a run goes, and what it is called.</summary>
    static readonly string[] NotIdentity = ["label", "main_dir", "data_dir", "threads", "save_every", "save_minutes", "device"];

    /// <summary>Settings added after the first hash (<see cref="LegacyHash"/>): absent from configs hashed before them.</summary>
    static readonly string[] AddedAfterLegacyHash = ["milp_time_limit", "milp_max_relus"];

    static readonly JsonObject DefaultJson = JsonSerializer.SerializeToNode(new TrainConfig(), Json)!.AsObject();

    /// <summary>
    /// The identity of the settings that change the trained weights (not the label, paths, device or thread count):
    /// the first 16 hex digits of SHA-256 of the canonical JSON, i.e. the settings that differ from their defaults,
    /// keys sorted, compact. A new setting therefore leaves the hash of every existing configuration unchanged.
    /// </summary>
    public string Hash()
    {
        var node = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        var canonical = new JsonObject();
        foreach (var (key, value) in node.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (!NotIdentity.Contains(key) && !JsonNode.DeepEquals(value, DefaultJson[key]))
                canonical[key] = value?.DeepClone();
        return Sha256(canonical.ToJsonString());
    }

    /// <summary>
    /// The hash of checkpoints written before <see cref="Hash"/> was canonical (the whole indented JSON with the
    /// identity fields blanked), so those runs still resume; null when this config has a setting that did not exist then.
    /// </summary>
    public string? LegacyHash()
    {
        var identity = this with { Label = "", MainDir = "", DataDir = null, Threads = null, SaveEvery = 0, Device = "" };
        var node = JsonSerializer.SerializeToNode(identity, Json)!.AsObject();
        node.Remove("save_minutes"); // not an identity setting, and newer than the legacy hash
        foreach (var key in AddedAfterLegacyHash)
        {
            if (!JsonNode.DeepEquals(node[key], DefaultJson[key])) return null;
            node.Remove(key);
        }
        return Sha256(node.ToJsonString(Json));
    }

    /// <summary>True when <paramref name="hash"/> (from a checkpoint or a stored run) identifies this configuration.</summary>
    public bool HasHash(string? hash) => hash is not null && (hash == Hash() || hash == LegacyHash());

    static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
