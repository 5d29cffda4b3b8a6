using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Attacks;

/// <summary>PGD settings (`--pgd_steps`, `--pgd_step_size`, `--pgd_restarts`); the paper's default is 100 steps of 0.01.</summary>
public sealed record PgdOptions(int Steps = 100, double StepSize = 0.01, int Restarts = 1)
{
    public void Validate()
    {
        if (Steps < 0) throw new ParadoxException($"--pgd_steps: must be >= 0 (got {Steps})");
        if (!(StepSize >= 0)) throw new ParadoxException($"--pgd_step_size: must be >= 0 (got {StepSize})");
        if (Restarts < 1) throw new ParadoxException($"--pgd_restarts: must be >= 1 (got {Restarts})");
    }
}
