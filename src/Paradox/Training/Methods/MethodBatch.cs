using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// What a training method sees of one step: the batch (pixels in [0,1]), the schedule's eps and kappa, and the
/// specification. Every method's loss is `kappa CE(f(x), y) + (1 - kappa) robust`, so the study's schedule
/// (natural warm-up, then a ramp to the method's robust loss) applies to every method alike.
/// </summary>
public sealed record MethodBatch(Tensor X, Tensor Y, double Eps, double Kappa = 0, SpecKind Spec = SpecKind.Diffs)
{
    /// <summary>The eps-ball around X clipped to [0,1], the region every certificate is about.</summary>
    public InputRegion Ball() => InputRegion.Ball(X, Eps);
}
