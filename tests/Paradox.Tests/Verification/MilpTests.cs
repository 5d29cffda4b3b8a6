using Paradox.Analysis;
using Paradox.Attacks;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Tests.Relaxations;
using Paradox.Verification;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Verification;

/// <summary>
/// The complete MILP verifier: on small fc and conv networks every row's MILP bound is at least the triangle LP's,
/// at most every sampled or attacked value, and attained (within 1e-4) by the solver's minimiser pushed through
/// the float32 network, so it is the exact minimum; the exact radius lies between every relaxation's certified
/// radius and the PGD radius.
/// </summary>
public sealed class MilpTests(SampledCases sampled) : IClassFixture<SampledCases>
{
    static double Tol(double v) => 1e-5 * (1 + Math.Abs(v));

    public static TheoryData<string, ulong> Exactness() => new()
    {
        { "fc", 1 }, { "fc", 2 }, { "fc-three-relu-layers", 14 }, { "conv-1to3-k3-s1-p0", 6 },
        { "conv-1to3-k3-s2-p1", 7 }, { "conv-conv-s2-p1-then-s1-p0", 10 }, { "drawn", 101 }, { "drawn", 104 },
    };

    [Theory]
    [MemberData(nameof(Exactness))]
    public void Milp_bound_is_exact_and_between_triangle_and_every_concrete_value(string name, ulong seed)
    {
        var (c, values, _) = sampled.Cases.Single(s => s.Case.Name == name && s.Case.Seed == seed);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var matrix = Specification.Matrix(SpecKind.Diffs, c.Labels, c.Network.NumClasses);
        var spec = FinalSpec.Merge(c.Network, matrix, needUpper: false);
        var engine = new MilpEngine(timeLimitSeconds: 60, stopAtFirstViolation: false);
        var (problem, triangle, milp) = engine.Solve(c.Network, c.Region, spec);
        var sampledMin = values.Diffs.min(1).values.to(float64).data<double>().ToArray(); // [B * rows]
        var failures = new List<string>();
        for (int b = 0; b < problem.Batch; b++)
        {
            Assert.NotEqual(MilpStatus.TimedOut, milp[b].Status);
            for (int row = 0; row < problem.Rows; row++)
            {
                double bound = milp[b].Lower[row], lp = triangle[b].Lower[row], seen = sampledMin[b * problem.Rows + row];
                if (bound < lp - Tol(lp)) failures.Add($"{c} sample {b} row {row}: MILP {bound:R} below triangle {lp:R}");
                if (bound > seen + Tol(seen)) failures.Add($"{c} sample {b} row {row}: MILP {bound:R} above a concrete value {seen:R}");
                var input = milp[b].Minimizers[row];
                if (input is null) { failures.Add($"{c} sample {b} row {row}: no minimiser"); continue; }
                var point = tensor(input).to(float32).reshape([1, .. c.Region.Lower.shape[1..]])
                    .clamp(c.Region.Lower[b], c.Region.Upper[b]);
                var logits = c.Network.Forward(point);
                double attained = logits.matmul(matrix[b].transpose(0, 1))[0, row].item<float>();
                if (attained < bound - Tol(bound))
                    failures.Add($"{c} sample {b} row {row}: minimiser gives {attained:R} below the bound {bound:R}");
                if (attained > bound + 1e-4 * (1 + Math.Abs(bound)))
                    failures.Add($"{c} sample {b} row {row}: minimiser gives {attained:R}, bound {bound:R}: not exact");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void Exact_radius_lies_between_the_relaxations_and_pgd()
    {
        using var scope = NewDisposeScope();
        using var network = new TestNetworkBuilder([1, 5, 5]).Flatten().Linear(10).Relu().Linear(8).Relu().Linear(3).Build(41);
        using var generator = new Generator(41);
        var x = rand([6, 1, 5, 5], generator: generator);
        var y = network.Forward(x).argmax(1);
        const double max = 0.5;
        int steps = CertifiedRadius.Steps(max, 0.002);
        var exact = CertifiedRadius.Bisect(network, RelaxationCatalog.Create("milp"), x, y, max, steps);
        var pgd = CertifiedRadius.PgdRadius(network, x, y, max, steps, new PgdOptions(Steps: 50, StepSize: 0.01, Restarts: 3), generator);
        Assert.True(exact.le(pgd).all().item<bool>(), $"exact {Text(exact)} above PGD {Text(pgd)}");
        Assert.True(exact.gt(0).any().item<bool>(), "no image has a positive exact radius");
        foreach (var name in new[] { "box", "deeppoly", "zono", "triangle" })
        {
            var r = CertifiedRadius.Bisect(network, RelaxationCatalog.Create(name), x, y, max, steps);
            Assert.True(r.le(exact).all().item<bool>(), $"{name} {Text(r)} above exact {Text(exact)}");
        }
    }

    [Fact]
    public void Too_many_relu_neurons_are_refused_naming_the_flag()
    {
        var c = BoundCases.All.First(b => b.Name == "fc");
        var engine = new MilpEngine(maxReluNeurons: 5);
        var error = Assert.Throws<ParadoxException>(() => engine.Bound(c.Network, c.Region,
            FinalSpec.Merge(c.Network, Specification.Matrix(SpecKind.Diffs, c.Labels, c.Network.NumClasses), false), false));
        Assert.StartsWith("--milp_max_relus: the network has 22 ReLU neurons", error.Message);
    }

    static string Text(Tensor t) => "[" + string.Join(", ", t.to(float32).data<float>().ToArray().Select(v => v.ToString("0.####"))) + "]";
}
