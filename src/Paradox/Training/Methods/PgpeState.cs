using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// What PGPE carries from step to step: one deviation per weight and the baseline. Checkpointed with the run
/// (<see cref="ToTensors"/>, <see cref="Load"/>) so that a resumed run continues bit for bit.
/// </summary>
public sealed class PgpeState : IDisposable
{
    public List<Tensor> Sigma { get; }
    /// <summary>Moving average of the population's mean loss; NaN before the first step.</summary>
    public double Baseline { get; set; } = double.NaN;

    public PgpeState(IReadOnlyList<Tensor> parameters, double sigmaInit)
    {
        using var _ = no_grad();
        // Lives across steps: kept out of the trainer's per-batch dispose scope.
        Sigma = parameters.Select(p => full_like(p, sigmaInit).detach().DetachFromDisposeScope()).ToList();
    }

    public IEnumerable<(string Key, Tensor Value)> ToTensors() =>
        Sigma.Select((s, i) => ($"pgpe.sigma.{i}", s)).Append(("pgpe.baseline", tensor(Baseline, ScalarType.Float64)));

    /// <summary>The state a checkpoint holds (its deviations for <paramref name="parameters"/>).</summary>
    public static PgpeState From(IReadOnlyList<Tensor> parameters, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var state = new PgpeState(parameters, 1);
        state.Load(tensors, source);
        return state;
    }

    public void Load(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        using var _ = no_grad();
        for (int i = 0; i < Sigma.Count; i++)
        {
            if (!tensors.TryGetValue($"pgpe.sigma.{i}", out var s) || !s.shape.SequenceEqual(Sigma[i].shape))
                throw new ParadoxException($"{source}: no PGPE deviation {i} of the network's shape");
            Sigma[i].copy_(s);
        }
        Baseline = tensors.TryGetValue("pgpe.baseline", out var b) ? b.item<double>()
            : throw new ParadoxException($"{source}: no PGPE baseline");
    }

    public void Dispose()
    {
        foreach (var s in Sigma) s.Dispose();
    }
}
