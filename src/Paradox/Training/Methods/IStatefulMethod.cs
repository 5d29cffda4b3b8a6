using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>A method with state of its own that a checkpoint must carry for a bit-identical resume (PGPE's deviations).</summary>
public interface IStatefulMethod
{
    /// <summary>Named tensors; empty before the first step.</summary>
    IEnumerable<(string Key, Tensor Value)> StateTensors();

    /// <summary>Restores what <see cref="StateTensors"/> wrote (tensors whose key it does not know are ignored).</summary>
    void LoadState(IReadOnlyDictionary<string, Tensor> tensors, string source);
}
