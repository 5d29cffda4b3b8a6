using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// What is bounded at the output: `Diffs` (elision: rows `e_y - e_j`, j != y, merged into the last layer)
/// or `Eye` (the logits themselves).
/// </summary>
public enum SpecKind { Diffs, Eye }

public static class Specification
{
    public static SpecKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "diffs" => SpecKind.Diffs,
        "eye" => SpecKind.Eye,
        _ => throw new ParadoxException($"--C: unknown specification '{name}' (expected diffs or eye)"),
    };

    /// <summary>The matrix `C` [B, K, classes]: K = classes-1 rows `e_y - e_j` (j != y, increasing j), or the identity.</summary>
    public static Tensor Matrix(SpecKind kind, Tensor labels, int classes)
    {
        var device = labels.device;
        long batch = labels.shape[0];
        var eye = TorchSharp.torch.eye(classes, device: device);
        if (kind == SpecKind.Eye) return eye.unsqueeze(0).expand(batch, classes, classes);
        // Row k of sample b is e_y - e_{j_k}, where j_k runs over the classes other than y in increasing order.
        var others = arange(classes - 1, device: device).unsqueeze(0).expand(batch, classes - 1);
        var j = others + others.ge(labels.unsqueeze(1)).to(ScalarType.Int64);
        var ey = eye.index_select(0, labels).unsqueeze(1);
        var ej = eye.index_select(0, j.reshape(-1)).reshape(batch, classes - 1, classes);
        return ey - ej;
    }

    /// <summary>
    /// Worst-case logits whose cross-entropy is the certified loss. Diffs: `z_y = 0`, `z_j = -d_j`.
    /// Eye: the upper bound for every `j != y` and the lower bound for `y`.
    /// </summary>
    public static Tensor WorstCaseLogits(SpecKind kind, Tensor lower, Tensor? upper, Tensor labels, int classes)
    {
        if (kind == SpecKind.Eye)
        {
            var isLabel = nn.functional.one_hot(labels, classes).to(ScalarType.Bool);
            return where(isLabel, lower, upper ?? throw new ArgumentException("eye needs upper bounds"));
        }
        var zeroColumn = zeros(lower.shape[0], 1, dtype: lower.dtype, device: lower.device);
        var padded = cat([-lower, zeroColumn], 1); // the K = classes-1 differences, then the true class at the end
        return padded.gather(1, DiffColumnIndex(labels, classes));
    }

    // For each class position c: the column of `padded` holding it (differences are in increasing j, y is last).
    static Tensor DiffColumnIndex(Tensor labels, int classes)
    {
        var c = arange(classes, device: labels.device).unsqueeze(0).expand(labels.shape[0], classes);
        var y = labels.unsqueeze(1);
        return where(c.eq(y), full_like(c, classes - 1), c - c.gt(y).to(ScalarType.Int64));
    }

    /// <summary>Lower bounds of `z_y - z_j` for j != y, [B, classes-1] (eye: `lower(z_y) - upper(z_j)`).</summary>
    public static Tensor DifferenceLowerBounds(SpecKind kind, Tensor lower, Tensor? upper, Tensor labels, int classes)
    {
        if (kind == SpecKind.Diffs) return lower;
        var ly = lower.gather(1, labels.unsqueeze(1));
        var diffs = ly - upper!;
        var keep = nn.functional.one_hot(labels, classes).logical_not();
        return diffs.masked_select(keep.to(ScalarType.Bool)).reshape(labels.shape[0], classes - 1);
    }

    /// <summary>Certified iff every lower bound of `z_y - z_j` is strictly positive.</summary>
    public static Tensor Certified(Tensor differenceLowerBounds) => differenceLowerBounds.gt(0).all(1);
}
