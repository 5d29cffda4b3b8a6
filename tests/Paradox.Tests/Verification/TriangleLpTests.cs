using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Tests.Relaxations;
using Paradox.Verification;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Verification;

/// <summary>
/// The triangle LP (`triangle`): at least as tight as deeppoly (its pre-bounds and the triangle are tighter than
/// back-substitution's lines), exact without ReLUs, and its LP bounds are the dual bound of the solver's
/// multipliers, which agrees with the solver's optimum. Soundness against sampled and attacked points is in
/// <see cref="RelaxationSoundnessTests"/> (triangle and milp are among <see cref="SoundDomains.All"/>).
/// </summary>
public sealed class TriangleLpTests
{
    static double Tol(double v) => 1e-5 * (1 + Math.Abs(v));

    /// <summary>The seeded cases of the soundness tests with at least one ReLU (every fc and conv shape).</summary>
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < BoundCases.All.Count; i++) data.Add(i);
        return data;
    }

    [Fact]
    public void Triangle_is_at_least_as_tight_as_deeppoly_everywhere()
    {
        var failures = new List<string>();
        int tighter = 0;
        using var _ = no_grad();
        foreach (var c in BoundCases.All)
        {
            using var scope = NewDisposeScope();
            foreach (var spec in new[] { SpecKind.Diffs, SpecKind.Eye })
            {
                var poly = RelaxationCatalog.Create("deeppoly").Bound(c.Network, c.Region, c.Labels, spec, recordLayers: true);
                var lp = RelaxationCatalog.Create("triangle").Bound(c.Network, c.Region, c.Labels, spec, recordLayers: true);
                Compare($"{c} {spec} final lower", lp.Lower, poly.Lower, lower: true);
                if (spec == SpecKind.Eye) Compare($"{c} {spec} final upper", lp.Upper!, poly.Upper!, lower: false);
                Assert.Equal(poly.PreActivation.Select(l => l.LayerIndex), lp.PreActivation.Select(l => l.LayerIndex));
                for (int k = 0; k < lp.PreActivation.Count; k++)
                {
                    Compare($"{c} layer {k} lower", lp.PreActivation[k].Lower, poly.PreActivation[k].Lower, lower: true);
                    Compare($"{c} layer {k} upper", lp.PreActivation[k].Upper, poly.PreActivation[k].Upper, lower: false);
                }
                tighter += (int)lp.Lower.gt(poly.Lower + 1e-3).sum().item<long>();
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(tighter > 0, "the triangle LP never improved on deeppoly: the comparison is vacuous");

        void Compare(string what, Tensor lp, Tensor poly, bool lower)
        {
            var a = lp.to(float64).flatten().data<double>().ToArray();
            var b = poly.to(float64).flatten().data<double>().ToArray();
            for (int i = 0; i < a.Length; i++)
                if (lower ? a[i] < b[i] - Tol(b[i]) : a[i] > b[i] + Tol(b[i]))
                    failures.Add($"{what} [{i}]: triangle {a[i]:R} vs deeppoly {b[i]:R}");
        }
    }

    [Theory]
    [InlineData(31UL, false)]
    [InlineData(32UL, false)]
    [InlineData(33UL, true)]
    public void Without_relu_triangle_is_exact(ulong seed, bool conv)
    {
        using var scope = NewDisposeScope();
        using var network = conv
            ? new TestNetworkBuilder([2, 6, 6]).Normalize([0.4f, 0.5f], [0.3f, 0.2f]).Conv(3, 3, 2, 1).Flatten().Linear(4).Build(seed)
            : new TestNetworkBuilder([1, 6, 6]).Normalize([0.3f], [0.4f]).Flatten().Linear(12).Linear(5).Build(seed);
        using var generator = new Generator(seed);
        var x = rand([3, .. network.Layers[0].InputShape], generator: generator);
        var labels = network.Forward(x).argmax(1);
        using var region = InputRegion.Ball(x, tensor(new[] { 0f, 0.05f, 0.3f }));
        using var _ = no_grad();
        foreach (var spec in new[] { SpecKind.Diffs, SpecKind.Eye })
        {
            var lp = RelaxationCatalog.Create("triangle").Bound(network, region, labels, spec);
            foreach (var exact in new[] { "deeppoly", "zono" })
            {
                var reference = RelaxationCatalog.Create(exact).Bound(network, region, labels, spec);
                Assert.True(allclose(lp.Lower, reference.Lower, 1e-5, 1e-5),
                    $"{spec} lower vs {exact}: {lp.Lower.sub(reference.Lower).abs().max().item<float>()}");
                if (spec == SpecKind.Eye)
                    Assert.True(allclose(lp.Upper!, reference.Upper!, 1e-5, 1e-5), $"{spec} upper vs {exact}");
            }
        }
    }

    [Fact]
    public void Dual_bound_agrees_with_the_solvers_optimum()
    {
        var c = BoundCases.All.First(b => b.Name == "fc-three-relu-layers");
        using var noGrad = no_grad();
        var spec = FinalSpec.Merge(c.Network, Specification.Matrix(SpecKind.Diffs, c.Labels, c.Network.NumClasses), needUpper: false);
        var problem = TriangleLpEngine.Problem.From(c.Network, c.Region, spec);
        int checkedRows = 0;
        for (int b = 0; b < problem.Batch; b++)
        {
            using var encoding = TriangleLpEngine.Encode(problem, b, exact: false, tighten: true, out _, out _);
            for (int row = 0; row < problem.Rows; row++)
            {
                var m = encoding.Minimize(problem.SpecWeight[b].AsSpan(row * problem.Width, problem.Width), problem.SpecBias[b][row]);
                Assert.True(m.Proven);
                Assert.True(m.Bound <= m.Value, $"sample {b} row {row}: bound {m.Bound:R} above the optimum {m.Value:R}");
                Assert.True(m.Bound >= m.Value - Tol(m.Value),
                    $"sample {b} row {row}: bound {m.Bound:R} far below the optimum {m.Value:R}");
                checkedRows++;
            }
        }
        Assert.True(checkedRows > 0);
    }

    [Fact]
    public void Certification_only_domains_are_flagged()
    {
        Assert.True(RelaxationCatalog.Create("triangle").CertificationOnly);
        Assert.True(RelaxationCatalog.Create("milp").CertificationOnly);
        Assert.False(RelaxationCatalog.Create("deeppoly").CertificationOnly);
        Assert.DoesNotContain("triangle", RelaxationCatalog.Trainable);
        var error = Assert.Throws<ParadoxException>(() => RelaxationCatalog.CreateTrainable("milp"));
        Assert.Contains("certification only: not differentiable", error.Message);
        Assert.Throws<ParadoxException>(() => RelaxationCatalog.Create("triangle:0-c"));
        Assert.Equal(5, ((MilpEngine)RelaxationCatalog.Create("milp:time=5").Engine).TimeLimitSeconds);
    }
}
