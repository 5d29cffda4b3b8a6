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
    };

    public static TrainingPosition FromJson(JsonObject j) => new((int)j["epoch"]!, (int)j["batch"]!, (long)j["step"]!,
        new EpochTotals((double)j["loss_sum"]!, (long)j["correct"]!, (long)j["certified"]!, (long)j["seen"]!, (double)j["seconds"]!));
}
