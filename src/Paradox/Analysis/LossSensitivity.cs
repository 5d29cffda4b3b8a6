using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>How violently losses react to small weight changes (the "sensitivity" property of the study).</summary>
public static class LossSensitivity
{
    /// <summary>Probes every loss at theta along the same directions and scales; the weights are restored afterwards.</summary>
    /// <param name="advance">Called with the number of loss evaluations just done.</param>
    public static IReadOnlyList<LossProbe> Probe(Network network, IReadOnlyList<NamedLoss> losses,
        IReadOnlyList<ParameterDirection> directions, IReadOnlyList<double> scales, Action<int>? advance = null)
    {
        Validate(directions.Count, scales);
        var probes = new List<LossProbe>();
        using var space = new ParameterSpace(network);
        foreach (var loss in losses)
        {
            double at = loss.Value(network);
            var slopes = new List<double>();
            var curvatures = new List<double>();
            foreach (var d in directions)
                foreach (var s in scales)
                {
                    double plus = space.At(loss.Value, (s, d)), minus = space.At(loss.Value, (-s, d));
                    slopes.Add(Math.Abs(plus - at) / s);
                    curvatures.Add(Math.Abs(plus - 2 * at + minus) / (s * s));
                    advance?.Invoke(2);
                }
            probes.Add(new LossProbe(loss.Name, at, scales, slopes.ToArray(), curvatures.ToArray(), GradientNorm(network, loss)));
            advance?.Invoke(1);
        }
        return probes;
    }

    /// <summary>At least one direction and one scale, every scale a finite number > 0.</summary>
    public static void Validate(int directions, IReadOnlyList<double> scales)
    {
        if (directions < 1) throw new ParadoxException($"--directions: must be at least 1 (got {directions})");
        if (scales.Count == 0 || scales.Any(s => !(s > 0) || double.IsInfinity(s)))
            throw new ParadoxException($"--scales: every scale must be a number > 0 (got {string.Join(",", scales)})");
    }

    /// <summary>Each probe relative to <paramref name="reference"/> (normally the natural loss, which then reads 1).</summary>
    public static IReadOnlyList<SensitivityRow> Relative(IReadOnlyList<LossProbe> probes, LossProbe reference)
    {
        double slope = Spread.MedianOf(reference.Slopes), curvature = Spread.MedianOf(reference.Curvatures);
        return probes.Select(p => new SensitivityRow(p.Name, p.Value,
            Spread.Of(p.Slopes).Scaled(1 / slope), Spread.Of(p.Curvatures).Scaled(1 / curvature),
            p.GradientNorm / reference.GradientNorm, ByScale(p, reference), p)).ToList();
    }

    static IReadOnlyList<ScaleMedians> ByScale(LossProbe probe, LossProbe reference)
    {
        return probe.Scales.Select((scale, i) =>
        {
            var (slopes, curvatures) = probe.AtScale(i);
            var (referenceSlopes, referenceCurvatures) = reference.AtScale(i);
            return new ScaleMedians(scale, Spread.MedianOf(slopes) / Spread.MedianOf(referenceSlopes),
                Spread.MedianOf(curvatures) / Spread.MedianOf(referenceCurvatures));
        }).ToList();
    }

    /// <summary>`norm(grad_theta L)` over all parameters, by autograd; the parameters' requires_grad flags are restored.</summary>
    public static double GradientNorm(Network network, NamedLoss loss)
    {
        var parameters = network.Parameters();
        var wanted = parameters.Select(p => p.requires_grad).ToArray();
        try
        {
            network.SetRequiresGrad(true);
            using var scope = NewDisposeScope();
            using var _ = enable_grad();
            var value = loss.Differentiable(network);
            var grads = autograd.grad([value], parameters.Cast<Tensor>().ToList(), allow_unused: true);
            double squares = grads.Where(g => g is not null).Sum(g => g.to(ScalarType.Float64).pow(2).sum().item<double>());
            return Math.Sqrt(squares);
        }
        finally
        {
            for (int i = 0; i < parameters.Count; i++) parameters[i].requires_grad = wanted[i];
        }
    }
}
