using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Attacks;

/// <summary>
/// L-infinity PGD: uniform random start in [-eps, eps], signed-gradient ascent steps on the cross-entropy,
/// projection onto the eps-ball intersected with [0,1]. A sample counts as broken as soon as ANY iterate
/// (of any restart) is misclassified; that iterate is returned as its adversarial example.
/// </summary>
public static class Pgd
{
    public sealed record Result(Tensor Adversarial, Tensor Broken) : IDisposable
    {
        public void Dispose() { Adversarial.Dispose(); Broken.Dispose(); }
    }

    public static Result Attack(Network network, Tensor x, Tensor y, Tensor eps, PgdOptions options, Generator? generator = null)
    {
        options.Validate();
        TorchRuntime.RequireSoundKernels();
        using var e = InputRegion.Radius(eps, x);
        using var region = InputRegion.Ball(x, e);
        var best = x.detach().clone();
        var broken = zeros(x.shape[0], dtype: ScalarType.Bool, device: x.device);
        using (no_grad())
        {
            using var logits = network.Forward(x);
            broken.logical_or_(logits.argmax(1).ne(y));
        }
        // The attack needs gradients even when the caller is inside no_grad().
        using var gradients = enable_grad();
        for (int restart = 0; restart < options.Restarts; restart++)
        {
            using var scope = NewDisposeScope();
            var start = rand(x.shape, generator: generator, device: x.device) * 2 - 1;
            var xa = region.Project(x + start * e).detach();
            for (int step = 0; step <= options.Steps; step++)
            {
                xa.requires_grad_(true);
                var logits = network.Forward(xa);
                using (no_grad())
                {
                    var newly = logits.argmax(1).ne(y).logical_and(broken.logical_not());
                    best.copy_(where(InputRegion.PerSample(newly, best), xa.detach(), best));
                    broken.logical_or_(newly);
                }
                if (step == options.Steps) break;
                var loss = nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum);
                var grad = autograd.grad([loss], [xa])[0];
                using (no_grad())
                    xa = region.Project(xa.detach() + options.StepSize * grad.sign()).detach();
            }
        }
        return new Result(best, broken);
    }

    /// <summary>
    /// The training form of PGD (Madry et al.; the original's `attack_pgd` in provable_training/utils.py):
    /// a uniform start in [-eps, eps] (not projected before the first gradient, as there), <paramref name="steps"/>
    /// signed-gradient steps on the mean cross-entropy, each projected onto the eps-ball intersected with [0,1],
    /// and the LAST iterate for every sample, broken or not. No restarts, no early stop. Detached.
    /// </summary>
    public static Tensor TrainingPoints(Network network, Tensor x, Tensor y, double eps, int steps, double stepSize,
        Generator? generator = null)
    {
        if (steps < 0) throw new ParadoxException($"--pgd_steps: must be >= 0 (got {steps})");
        using var region = InputRegion.Ball(x, eps);
        using var scope = NewDisposeScope();
        var xa = (x + (rand(x.shape, generator: generator, device: x.device) * 2 - 1) * eps).detach();
        using var gradients = enable_grad();
        for (int step = 0; step < steps; step++)
        {
            xa.requires_grad_(true);
            var loss = nn.functional.cross_entropy(network.Forward(xa), y);
            var grad = autograd.grad([loss], [xa])[0];
            using (no_grad())
                xa = region.Project(xa.detach() + stepSize * grad.sign()).detach();
        }
        return xa.MoveToOuterDisposeScope();
    }
}
