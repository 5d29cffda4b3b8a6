using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// A training method: the loss of one batch given the schedule's coefficients at this step. The trainer owns
/// everything around it (data order, augmentation, batch pieces, the weight regulariser, the optimizer step,
/// checkpoints), so a method is only its loss and the coefficients it schedules.
/// <para>
/// Adding a method (e.g. SABR): (1) a member of <see cref="TrainMode"/> (its kebab-case name is the `--mode`
/// value), (2) one file in Training/Methods with a class implementing this interface, its own `Parameters`
/// record read from <see cref="TrainConfig"/> and a static `Coefficients(TrainConfig)` (start from
/// <see cref="ScheduleCoefficient.Study"/> and append the method's own named coefficients: they are ramped with
/// eps and appear in metrics.csv and the progress line), (3) one entry in <see cref="TrainingMethodCatalog"/>.
/// New settings are <see cref="TrainConfig"/> properties with their flag.
/// </para>
/// </summary>
public interface ITrainingMethod
{
    /// <summary>
    /// The loss of the batch (a mean over its samples, differentiable in the network's parameters) and the
    /// logits used for reporting: natural ones always, worst-case (certified) or adversarial ones when computed.
    /// </summary>
    LossParts Loss(Network network, Tensor x, Tensor y, ScheduleValues schedule);
}
