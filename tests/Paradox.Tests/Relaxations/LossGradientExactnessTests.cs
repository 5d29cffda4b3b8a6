using Paradox.Networks;
using Paradox.Relaxations;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// The autograd gradient of <see cref="Relaxation.CertifiedLoss"/> with respect to every parameter agrees with
/// central finite differences (float32, step h = 1e-2 max(|p|, 0.1), tolerance 2e-2 relative + 1e-4) for every
/// sound domain except iclr2021 (random slopes), on Linear 4->3, ReLU, Linear 3->3 with `diffs` and `eye`.
/// The certified loss is only piecewise smooth: besides the rules' jumps (case boundaries, |l| = |u|, rounding),
/// it has kinks wherever a coefficient whose sign or absolute value the engines take crosses zero (|W|, the
/// specification rows C W2 that choose lines in back-substitution, the input coefficients). The network is
/// therefore wired without such zeros (W1 > 0, and C W2 > 0 for label 0) and the seed and eps are chosen so
/// that every bound is away from every jump (<see cref="No_bound_or_coefficient_is_near_a_kink"/>); a parameter step
/// moves the bounds by at most 5e-3 and the coefficients by at most 6e-3.
/// </summary>
public sealed class LossGradientExactnessTests
{
    const ulong Seed = 141;
    const float Eps = 0.3f;
    const double Margin = 0.02;

    public static TheoryData<string> Domains =>
        SoundDomains.Data(SoundDomains.All.Where(d => d != "iclr2021" && !SoundDomains.CertificationOnly.Contains(d)));

    sealed record Setup(Network Network, InputRegion Region, Tensor Labels);

    /// <summary>
    /// W1 = 0.05 + |random| (so input coefficients never cancel), b1 = random - half the row sum (so neurons
    /// cross zero); W2 = 0.05 + 0.4 |random| plus 0.3 on row 0, so that every entry of C W2 is positive for
    /// label 0 (`diffs` rows W2[0] - W2[j]) and for `eye` (W2 itself).
    /// </summary>
    static Setup Create(ulong seed, float eps)
    {
        var network = new TestNetworkBuilder([4]).Linear(3).Relu().Linear(3)
            .Set(0, layer =>
            {
                layer.Weight.copy_(layer.Weight.abs() + 0.05f);
                layer.Bias.sub_(layer.Weight.sum(1L) / 2);
            })
            .Set(1, layer =>
            {
                layer.Weight.copy_(layer.Weight.abs() * 0.4f + 0.05f);
                layer.Weight[0].add_(0.3f);
            })
            .Build(seed);
        using var generator = new Generator(seed + 1000);
        var x = rand([2, 4], generator: generator);
        return new Setup(network, InputRegion.Ball(x, eps), zeros(2, dtype: ScalarType.Int64));
    }

    [Fact]
    public void No_bound_or_coefficient_is_near_a_kink()
    {
        var problems = NearKinks(Create(Seed, Eps)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Every ReLU bound [l, u] (the Box ones, which every engine shares on the first layer) is at least
    /// <see cref="Margin"/> away from l = 0, u = 0 and |l| = |u|, and 0.01 away from the rounding jumps k / 10
    /// of `box:round=0.5:dcs=10`; the widened (`box:widen=0.5`) bounds are Margin away from 0 and the rounded ones,
    /// which move 6 times faster than l and u, 3 Margin; W1 and C W2 are at least Margin positive (then every
    /// engine's input coefficients are sums of non-negative terms); and some neuron crosses zero.
    /// </summary>
    static IEnumerable<string> NearKinks(Setup s)
    {
        using var _ = no_grad();
        var box = BoxEngine.Standard.PreActivationBounds(s.Network, s.Region)[0];
        var (l, u) = (box.Lower.to(float64), box.Upper.to(float64));
        var (rl, ru) = BoxEngine.Round(0.5, 10)(l, u);
        double Distance(Tensor t) => t.abs().min().item<double>();
        if (Distance(l) < Margin || Distance(u) < Margin) yield return "a bound near 0";
        if (Distance(l.abs() - u.abs()) < Margin) yield return "|l| near |u|";
        if (Distance(l * 10 - (l * 10).round()) < 0.1 || Distance(u * 10 - (u * 10).round()) < 0.1)
            yield return "a bound near a rounding jump k / 10";
        if (Distance(l - 0.5) < Margin || Distance(u + 0.5) < Margin) yield return "a widened bound near 0";
        if (Distance(rl) < 3 * Margin || Distance(ru) < 3 * Margin) yield return "a rounded bound near 0";
        if (!l.lt(0).logical_and(u.gt(0)).any().item<bool>()) yield return "no crossing neuron";
        var affine = s.Network.Layers.OfType<AffineLayer>().ToList();
        if (affine[0].Weight.min().item<float>() < Margin) yield return "W1 has an entry below Margin";
        foreach (var spec in new[] { SpecKind.Diffs, SpecKind.Eye })
            if (Specification.Matrix(spec, s.Labels, 3).matmul(affine[1].Weight).min().item<float>() < Margin)
                yield return $"C W2 ({spec}) has an entry below Margin";
    }

    [Theory]
    [MemberData(nameof(Domains))]
    public void Certified_loss_gradient_matches_finite_differences(string domain)
    {
        var s = Create(Seed, Eps);
        var relaxation = RelaxationCatalog.Create(domain);
        var failures = new List<string>();
        foreach (var spec in new[] { SpecKind.Diffs, SpecKind.Eye })
        {
            var parameters = s.Network.NamedParameters().ToList();
            Tensor[] grads;
            using (enable_grad())
            {
                var loss = relaxation.CertifiedLoss(s.Network, s.Region, s.Labels, spec);
                grads = autograd.grad([loss], parameters.Select(p => (Tensor)p.Value).ToList()).ToArray();
            }
            for (int k = 0; k < parameters.Count; k++)
            {
                var (name, p) = parameters[k];
                var flat = p.detach().view(-1);
                var grad = grads[k].view(-1).data<float>().ToArray();
                for (int i = 0; i < flat.shape[0]; i++)
                {
                    double numeric = FiniteDifference(relaxation, s, spec, flat, i);
                    double tolerance = 2e-2 * Math.Abs(numeric) + 1e-4;
                    if (Math.Abs(grad[i] - numeric) > tolerance)
                        failures.Add($"{spec} d loss / d {name}[{i}]: autograd {grad[i]:R}, finite differences {numeric:R}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{domain}:\n" + string.Join("\n", failures));
    }

    static double FiniteDifference(Relaxation relaxation, Setup s, SpecKind spec, Tensor flat, int i)
    {
        using var _ = no_grad();
        float original = flat[i].item<float>();
        float h = 1e-2f * Math.Max(Math.Abs(original), 0.1f);
        float above = original + h, below = original - h;
        double Loss(float value)
        {
            flat[i] = value;
            using var scope = NewDisposeScope();
            return relaxation.CertifiedLoss(s.Network, s.Region, s.Labels, spec).item<float>();
        }
        double difference = Loss(above) - Loss(below);
        flat[i] = original;
        return difference / ((double)above - below);
    }
}
