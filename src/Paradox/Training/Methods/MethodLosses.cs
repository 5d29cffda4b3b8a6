using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>Shared arithmetic of the methods' losses.</summary>
public static class MethodLosses
{
    /// <summary>`kappa * natural + (1 - kappa) * robust`, skipping a zero term (so kappa = 0 is exactly the robust loss).</summary>
    public static Tensor Mix(double kappa, Tensor natural, Tensor robust) =>
        kappa <= 0 ? robust : kappa >= 1 ? natural : kappa * natural + (1 - kappa) * robust;

    /// <summary>Throws when a gradient method is given a relaxation without gradients.</summary>
    public static void RequireDifferentiable(Relaxation relaxation, string method)
    {
        if (relaxation.CertificationOnly)
            throw new ParadoxException($"--method {method}: relaxation '{relaxation.Name}' is certification only: not differentiable "
                + "(only --method pgpe trains with it)");
    }
}
