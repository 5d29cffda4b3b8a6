using System.Text.Json.Nodes;
using Paradox.Tests.Cli;
using Xunit;

namespace Paradox.Tests.Verification;

/// <summary>`triangle` and `milp` through the CLI on a tiny MNIST fc1 (100 ReLUs): certify, bounds, tightness --exact,
/// and the errors.</summary>
[Collection(CliRunner.Collection)]
public sealed class VerificationCliTests : IDisposable
{
    readonly ScratchDir dir = new();
    readonly string model;

    public VerificationCliTests() => model = TinyModelFile.Create(dir);

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Certify_reports_triangle_and_milp_with_timeouts()
    {
        var json = dir.File("certify.json");
        var (code, output, errors) = CliRunner.RunCapturingOutput("certify", "--model", model, "--domains", "deeppoly,triangle,milp",
            "--eps", "0.01", "--n", "4", "--no_pgd", "--milp_time_limit", "30", "--json", json);
        Assert.True(code == 0, string.Join("\n", errors));
        Assert.Contains("certified [triangle]", output);
        Assert.Contains("milp: 0 of 4 images timed out", output);
        var result = JsonNode.Parse(File.ReadAllText(json))!;
        double poly = (double)result["certified"]!["deeppoly"]!, lp = (double)result["certified"]!["triangle"]!,
            exact = (double)result["certified"]!["milp"]!;
        Assert.True(poly <= lp && lp <= exact, $"deeppoly {poly}, triangle {lp}, milp {exact}");
        Assert.Equal(0, (int)result["timed_out"]!["milp"]!);
    }

    [Fact]
    public void Bounds_with_triangle_are_at_least_deeppolys()
    {
        double[] Lower(string domain)
        {
            var json = dir.File($"bounds-{domain}.json");
            var (code, _, errors) = CliRunner.RunCapturingOutput("bounds", "--model", model, "--domain", domain, "--eps", "0.02",
                "--indices", "0-1", "--layers", "--json", json);
            Assert.True(code == 0, string.Join("\n", errors));
            var images = JsonNode.Parse(File.ReadAllText(json))!["images"]!.AsArray();
            Assert.Equal(2, images.Count);
            Assert.Single(images[0]!["layers"]!.AsArray());
            return images.SelectMany(i => i!["lower"]!.AsArray().Select(v => (double)v!)).ToArray();
        }
        var poly = Lower("deeppoly");
        var lp = Lower("triangle");
        Assert.Equal(poly.Length, lp.Length);
        for (int i = 0; i < lp.Length; i++) Assert.True(lp[i] >= poly[i] - 1e-5 * (1 + Math.Abs(poly[i])), $"row {i}: {lp[i]} < {poly[i]}");
    }

    [Fact]
    public void Tightness_exact_writes_the_exact_radii_and_the_ratio()
    {
        var json = dir.File("tightness.json");
        var (code, output, errors) = CliRunner.RunCapturingOutput("tightness", "--net", "FC", "--dataset", "mnist",
            "--model", TestPaths.Model("mnist_FC_box.pt"), "--relaxations", "box,deeppoly",
            "--n", "3", "--eps_max", "0.2", "--tol", "0.01", "--exact", "--json", json);
        Assert.True(code == 0, string.Join("\n", errors));
        Assert.Contains("exact (MILP)", output);
        Assert.Contains("relative to exact", output);
        var result = JsonNode.Parse(File.ReadAllText(json))!;
        var exact = result["exact_radii"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(3, exact.Length);
        Assert.Equal("exact", (string)result["relative_to"]!);
        Assert.Equal(0, (int)result["exact_timeouts"]!);
        Assert.True(exact.All(r => r > 0), "the box-trained FC is robust around its first images");
        Assert.Equal(100 * exact.Average(), (double)result["exact_tightness"]!, 4);
        foreach (var name in new[] { "box", "deeppoly" })
        {
            var radii = result["radii"]![name]!.AsArray().Select(v => (double)v!).ToArray();
            Assert.All(radii.Zip(exact), p => Assert.True(p.First <= p.Second, $"{name} radius {p.First} above exact {p.Second}"));
            Assert.InRange((double)result["relative"]![name]!, 0, 1);
        }
    }

    [Theory]
    [InlineData("train", "--train_domain", "triangle")]
    [InlineData("train", "--train_domain", "milp")]
    public void Training_with_a_certification_only_domain_is_one_error_line(string verb, string flag, string domain)
    {
        var (exit, lines) = CliRunner.Run(verb, "--mode", "train-provable", "--net", "fc1", "--dataset", "mnist", flag, domain,
            "--eps_train", "0.1", "--main_dir", dir.Path, "--label", "t", "--n_epochs", "1");
        Assert.Equal(2, exit);
        var error = Assert.Single(lines);
        Assert.Equal($"error: {flag}: domain '{domain}' is certification only: not differentiable " +
            "(use it with --verify_domains, certify or bounds)", error);
    }

    [Fact]
    public void Exact_refuses_networks_above_the_relu_limit()
    {
        var (code, lines) = CliRunner.Run("tightness", "--model", model, "--relaxations", "box", "--n", "2", "--exact",
            "--milp_max_relus", "50");
        Assert.Equal(2, code);
        var error = Assert.Single(lines);
        Assert.StartsWith("error: --exact: the network has 100 ReLU neurons; the complete MILP verifier is for small networks", error);
        Assert.Contains("--milp_max_relus", error);
    }
}
