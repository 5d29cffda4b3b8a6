using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>One of the expressive losses (MtlIbp, CcIbp, ExpIbp).</summary>
public delegate LossParts ExpressiveMethod(Network network, MethodBatch batch, Relaxation relaxation, ExpressiveParameters p,
    Generator? generator, TrainingAttack? attack);

/// <summary>`--method mtl-ibp|cc-ibp|exp-ibp` on the seam.</summary>
public sealed class ExpressiveTraining(ExpressiveMethod method, ExpressiveParameters parameters, Relaxation relaxation,
    Generator? generator, SpecKind spec) : ITrainingMethod
{
    public LossParts Loss(Network network, Tensor x, Tensor y, ScheduleValues s) =>
        method(network, new MethodBatch(x, y, s.Eps, s.Kappa, spec), relaxation, parameters, generator, null);
}
