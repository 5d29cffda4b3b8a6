using static TorchSharp.torch;

namespace Paradox.Data;

/// <summary>One mini-batch: inputs <see cref="X"/> [B,C,H,W] and labels <see cref="Y"/> [B]. Disposing it frees both.</summary>
public sealed record Batch(Tensor X, Tensor Y) : IDisposable
{
    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
    }
}
