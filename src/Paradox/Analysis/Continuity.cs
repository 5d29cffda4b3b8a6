using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>The empirical half of the continuity study: jumps of each relaxation's certified loss along lines in weight space.</summary>
public static class Continuity
{
    /// <summary>Progress of one relaxation: its title and evaluation budget, wrapping the work that reports evaluations done.</summary>
    public delegate ContinuityResult Phase(string title, int budget, Func<Action<int>, ContinuityResult> work);

    /// <summary>
    /// The certified loss of every relaxation on (<paramref name="x"/>, <paramref name="y"/>) at radius <paramref name="eps"/>
    /// along the <paramref name="lines"/>; random relaxations are reseeded with <paramref name="seed"/> before every
    /// evaluation (through <paramref name="generator"/>, the one they were built with), so the loss is a function of the weights.
    /// </summary>
    public static List<ContinuityResult> Measure(Network network, IReadOnlyList<Relaxation> relaxations, Tensor x, Tensor y, double eps,
        IReadOnlyList<ParameterDirection> lines, ContinuitySettings settings, long seed, Generator generator, Phase? phase = null)
    {
        phase ??= (_, _, work) => work(_ => { });
        var search = settings.JumpSearch;
        return [.. relaxations.Select(r =>
        {
            var certified = Losses.Certified(r, x, y, eps);
            double Loss(Network net) { generator.manual_seed(seed); return certified(net); }
            int budget = lines.Count * (settings.Points + 2 + (search.Probes + search.MaxOutliers) * search.Refinements);
            return phase($"continuity {r.Name}", budget, advance =>
            {
                var found = ContinuityProbe.Run(network, r.Name, Loss, lines, settings, (int)seed, () => advance(1));
                advance(budget - found.Evaluations);  // fewer intervals than the budget allows were bisected
                return found;
            });
        })];
    }
}
