using static TorchSharp.torch;

namespace Paradox.Tests;

/// <summary>Deterministic 28x28 test inputs in [0,1] (no random numbers, no dataset files): a different stripe pattern per image.</summary>
static class SyntheticImages
{
    public static Tensor Create(int count)
    {
        using var scope = NewDisposeScope();
        var n = arange(count, dtype: float32).reshape(-1, 1, 1, 1);
        var i = arange(28, dtype: float32).reshape(1, 1, -1, 1);
        var j = arange(28, dtype: float32).reshape(1, 1, 1, -1);
        var phase = i * (0.2f + 0.013f * n) + j * (0.35f - 0.007f * n) + n;
        return (0.5f + 0.5f * phase.sin()).MoveToOuterDisposeScope();
    }
}
