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
