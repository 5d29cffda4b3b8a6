using System.Text.Json.Nodes;

namespace Paradox.Training;

/// <summary>The next batch to train: epoch (1-based), batch index within it, global optimizer step, and the epoch's sums so far.</summary>
public sealed record TrainingPosition(int Epoch, int Batch, long Step, EpochTotals Totals)
{
    public static readonly TrainingPosition Start = new(1, 0, 0, EpochTotals.Zero);

    public JsonObject ToJson() => new()
    {
        ["epoch"] = Epoch, ["batch"] = Batch, ["step"] = Step,
        ["loss_sum"] = Totals.LossSum, ["correct"] = Totals.Correct, ["certified"] = Totals.Certified,
        ["seen"] = Totals.Seen, ["seconds"] = Totals.Seconds,
        ["certified_loss_sum"] = Totals.CertifiedLossSum, ["certified_seen"] = Totals.CertifiedSeen,
    };

    public static TrainingPosition FromJson(JsonObject j) => new((int)j["epoch"]!, (int)j["batch"]!, (long)j["step"]!,
        new EpochTotals((double)j["loss_sum"]!, (long)j["correct"]!, (long)j["certified"]!, (long)j["seen"]!, (double)j["seconds"]!,
            // checkpoints written before the certified loss was recorded lack these two
            (double?)j["certified_loss_sum"] ?? 0, (long?)j["certified_seen"] ?? 0));
}
