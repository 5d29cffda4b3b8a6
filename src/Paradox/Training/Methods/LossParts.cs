using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// The parts of one batch's loss, for reporting. <paramref name="WorstCaseLogits"/> are the logits whose
/// top-1 agreement with the label counts as the batch's certified (provable) or adversarial (PGD) accuracy.
/// </summary>
public sealed record LossParts(Tensor Total, Tensor Natural, Tensor? Certified, Tensor NaturalLogits, Tensor? WorstCaseLogits);
