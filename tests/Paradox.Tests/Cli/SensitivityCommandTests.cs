using System.Text.Json.Nodes;
using Xunit;

namespace Paradox.Tests.Cli;

/// <summary>`paradox sensitivity` end to end on a tiny model: the table, the JSON schema, and its one-line errors.</summary>
[Collection(CliRunner.Collection)]
public sealed class SensitivityCommandTests : IDisposable
{
    readonly ScratchDir dir = new();
    readonly string model;
    string Json => dir.File("sensitivity.json");

    public SensitivityCommandTests() => model = TinyModelFile.Create(dir);

    public void Dispose() => dir.Dispose();

    /// <summary>A quick run's arguments; a flag given in <paramref name="changes"/> replaces its default.</summary>
    string[] Args(params string[] changes) => CommandArgs.With(
        ["sensitivity", "--model", model, "--relaxations", "box,deeppoly", "--n", "5", "--directions", "2", "--scales", "0.01,0.1",
            "--json", Json], changes);

    [Fact]
    public void Writes_the_table_and_json()
    {
        var (code, output, errors) = CliRunner.RunCapturingOutput(Args());
        Assert.True(code == 0, string.Join("\n", errors));
        Assert.Contains("relative to the natural loss", output);
        Assert.Contains("study's claim", output);

        var json = JsonNode.Parse(File.ReadAllText(Json))!.AsObject();
        Assert.Equal(5, (int)json["n"]!);
        Assert.Equal(0.1, (double)json["eps"]!);
        Assert.Equal(2, (int)json["directions"]!);
        Assert.Equal([0.01, 0.1], json["scales"]!.AsArray().Select(s => (double)s!));
        Assert.Equal("natural", (string)json["relative_to"]!);
        var losses = json["losses"]!.AsArray().Select(l => l!.AsObject()).ToList();
        Assert.Equal(["natural", "box", "deeppoly"], losses.Select(l => (string)l["name"]!));
        foreach (var loss in losses)
        {
            foreach (var key in new[] { "median", "q1", "q3", "min", "max" })
            {
                Assert.NotNull(loss["perturbation"]![key]);
                Assert.NotNull(loss["curvature"]![key]);
            }
            Assert.True((double)loss["gradient_norm_ratio"]! > 0);
            Assert.Equal(2, loss["by_scale"]!.AsArray().Count);
            Assert.NotNull(loss["raw"]!["gradient_norm"]);
        }
        Assert.Equal(1.0, (double)losses[0]["perturbation"]!["median"]!, 12);
        Assert.Equal("Polynomial", (string)losses[1]["bound_degree"]!["form"]!);
        Assert.Equal("RationalOwnBounds", (string)losses[2]["bound_degree"]!["form"]!);
        var measures = json["groups"]!["measures"]!.AsArray();
        Assert.Equal(3, measures.Count);
        Assert.All(measures, m => Assert.NotNull(m!["separates"]));
    }

    [Theory]
    [InlineData("--relaxations", "box,octagon", "octagon")]
    [InlineData("--eps", "-1", "-1")]
    [InlineData("--directions", "0", "at least 1")]
    [InlineData("--scales", "0.1,-0.01", "> 0")]
    [InlineData("--scales", "tiny", "not a number")]
    [InlineData("--json", "/nonexistent-dir/out.json", "does not exist")]
    public void Bad_flag_is_one_error_line(string flag, string value, string expected)
    {
        var (code, errors) = CliRunner.Run(Args(flag, value));
        Assert.NotEqual(0, code);
        var line = Assert.Single(errors);
        Assert.StartsWith($"error: {flag}", line);
        Assert.Contains(expected, line);
        Assert.False(File.Exists(Json));
    }
}
