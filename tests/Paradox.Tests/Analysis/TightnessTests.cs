using System.Text.Json.Nodes;
using Paradox.Analysis;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Analysis;

/// <summary>Certified-radius bisection and the study's tightness numbers on a naturally trained network.</summary>
[Collection(CliRunner.Collection)]
public sealed class TightnessTests
{
    static readonly LabeledImages MnistTest = SharedFixture.Create(() => DatasetCatalog.Load(DatasetInfo.Mnist, train: false));

    static Network NaturalConv() =>
        ModelFile.Load(TestPaths.Model("mnist_CONV_natural.pt"), new ModelFile.Hints("CONV", DatasetInfo.Mnist, true));

    static double Tightness(Network network, string domain, int n)
    {
        var relaxation = RelaxationCatalog.Create(domain);
        double sum = 0;
        for (int start = 0; start < n; start += 100)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(100, n - start);
            sum += CertifiedRadius.Bisect(network, relaxation, MnistTest.Images.narrow(0, start, count),
                MnistTest.Labels.narrow(0, start, count), 0.5, 9).sum().item<float>();
        }
        return 100 * sum / n;
    }

    /// <summary>
    /// The original implementation on mnist_CONV_natural.pt (bisection from 0.5, 9 halvings): box 0.720 and
    /// crown-ibp 2.148 on the first 1,000 MNIST test images; hbox 1.78, zono 2.98, deeppoly 3.10 on the first
    /// 90 / 60 / 30. Within 2%, in the published order box &lt; hbox &lt; crown-ibp &lt; zono &lt; deeppoly.
    /// </summary>
    [Fact]
    public void Natural_conv_tightness_matches_the_original_implementation()
    {
        using var network = NaturalConv();
        var cases = new (string Domain, int N, double Reference)[]
        {
            ("box", 1000, 0.720), ("hbox", 90, 1.78), ("crown-ibp", 1000, 2.148), ("zono", 60, 2.98), ("deeppoly", 30, 3.10),
        };
        var measured = cases.Select(c => Tightness(network, c.Domain, c.N)).ToArray();
        for (int i = 0; i < cases.Length; i++)
            Assert.True(Math.Abs(measured[i] - cases[i].Reference) <= 0.02 * cases[i].Reference,
                $"{cases[i].Domain}: {measured[i]:0.000} vs the original's {cases[i].Reference}");
        for (int i = 1; i < cases.Length; i++)
            Assert.True(measured[i - 1] < measured[i],
                $"order: {cases[i - 1].Domain} {measured[i - 1]:0.000} !< {cases[i].Domain} {measured[i]:0.000}");
    }

    [Theory]
    [InlineData("box")]
    [InlineData("crown-ibp")]
    public void Bisection_brackets_the_radius_and_is_reproducible(string domain)
    {
        using var scope = NewDisposeScope();
        using var network = NaturalConv();
        var relaxation = RelaxationCatalog.Create(domain);
        var x = MnistTest.Images.narrow(0, 0, 50);
        var y = MnistTest.Labels.narrow(0, 0, 50);
        const double epsMax = 0.5;
        const int steps = 9;
        var radii = CertifiedRadius.Bisect(network, relaxation, x, y, epsMax, steps);
        Assert.True(radii.eq(CertifiedRadius.Bisect(network, relaxation, x, y, epsMax, steps)).all().item<bool>(), "not reproducible");

        using var _ = no_grad();
        var correct = network.Forward(x).argmax(1).eq(y);
        var positive = radii.gt(0);
        using (var at = InputRegion.Ball(x, radii))
            Assert.True(relaxation.Certify(network, at, y).logical_or(positive.logical_not()).all().item<bool>(),
                "a reported radius is not certified");
        // One bisection interval further is not certified (the search stopped because it failed there).
        var beyond = (radii + epsMax / (1 << steps)).clamp_max(epsMax);
        using (var above = InputRegion.Ball(x, beyond))
            Assert.False(relaxation.Certify(network, above, y).logical_and(radii.lt(epsMax - 1e-6)).any().item<bool>(),
                "the radius is not maximal");
        Assert.True(radii.masked_select(correct.logical_not()).eq(0).all().item<bool>(), "misclassified images must count 0");
        Assert.True(positive.any().item<bool>());
    }

    [Fact]
    public void Steps_follow_the_tolerance()
    {
        Assert.Equal(9, CertifiedRadius.Steps(0.5, 0.001));
        Assert.Throws<ParadoxException>(() => CertifiedRadius.Steps(0, 0.001));
        Assert.Throws<ParadoxException>(() => CertifiedRadius.Steps(0.5, 0.6));
    }

    [Fact]
    public void Command_writes_the_documented_json()
    {
        var path = Path.Combine(Path.GetTempPath(), $"paradox-tightness-{Guid.NewGuid():N}.json");
        try
        {
            var (code, _, errors) = CliRunner.RunCapturingOutput("tightness", "--net", "CONV", "--dataset", "mnist",
                "--model", TestPaths.Model("mnist_CONV_natural.pt"), "--relaxations", "box,crown-ibp@20", "--n", "40",
                "--relative", "--pgd_steps", "5", "--json", path);
            Assert.True(code == 0, string.Join("\n", errors));
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            Assert.Equal("CONV", (string?)json["network"]);
            Assert.Equal(40, (int)json["n"]!);
            Assert.Equal(40, json["radii"]!["box"]!.AsArray().Count);
            Assert.Equal(20, json["radii"]!["crown-ibp"]!.AsArray().Count);
            Assert.True((double)json["tightness"]!["box"]! > 0);
            var relative = (double)json["relative"]!["box"]!;
            Assert.InRange(relative, 0, 1);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--relaxations", "nosuch")]
    [InlineData("--eps_max", "0")]
    [InlineData("--relaxations", "box@0")]
    public void Bad_input_is_a_one_line_error(string flag, string? value)
    {
        var path = Path.Combine(Path.GetTempPath(), $"paradox-tightness-{Guid.NewGuid():N}.json");
        var args = new List<string> { "tightness", "--net", "CONV", "--dataset", "mnist", "--model",
            TestPaths.Model("mnist_CONV_natural.pt"), "--n", "5", "--json", path, flag };
        if (value is not null) args.Add(value);
        var (code, errors) = CliRunner.Run(args.ToArray());
        Assert.NotEqual(0, code);
        Assert.Single(errors);
        Assert.StartsWith("error:", errors[0]);
        Assert.Contains(flag, errors[0]);
        Assert.False(File.Exists(path));
    }
}
