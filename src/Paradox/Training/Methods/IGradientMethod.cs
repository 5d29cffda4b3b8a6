using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// A method that forms the step's gradient itself instead of handing the trainer one loss to back-propagate (the
/// Gaussian loss smoothing methods evaluate the loss at perturbed weights). <see cref="ITrainingMethod.Loss"/> is the
/// loss being smoothed, at the current weights. The trainer calls <see cref="Backward"/> in place of <see cref="BatchPieces"/>.
/// </summary>
public interface IGradientMethod : ITrainingMethod
{
    /// <summary>Adds the step's gradient (the regulariser's at the unperturbed weights included) and returns the batch's sums.</summary>
    EpochTotals Backward(Network network, Tensor x, Tensor y, ScheduleValues schedule, int pieces, Func<Tensor?> regularizer);
}

/// <summary>A method with state of its own that a checkpoint must carry for a bit-identical resume (PGPE's deviations).</summary>
public interface IStatefulMethod
{
    /// <summary>Named tensors; empty before the first step.</summary>
    IEnumerable<(string Key, Tensor Value)> StateTensors();

    /// <summary>Restores what <see cref="StateTensors"/> wrote (tensors whose key it does not know are ignored).</summary>
    void LoadState(IReadOnlyDictionary<string, Tensor> tensors, string source);
}
