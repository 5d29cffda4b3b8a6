using System.Text.Json.Nodes;
using Xunit;

namespace Paradox.Tests.Cli;

/// <summary>`paradox continuity`: one-line errors for bad input, and the JSON schema of theory and empirics.</summary>
[Collection(CliRunner.Collection)]
public class ContinuityCommandTests : IDisposable
{
    readonly ScratchDir dir = new();
    readonly string model = TestPaths.Model("mnist_CONV_natural.pt");
    string JsonPath => dir.File("continuity.json");

    public void Dispose() => dir.Dispose();

    string Fails(params string[] flags)
    {
        var (code, errors) = CliRunner.Run(
            ["continuity", "--model", model, "--net", "CONV", "--dataset", "mnist", "--json", JsonPath, .. flags]);
        Assert.NotEqual(0, code);
        var line = Assert.Single(errors);
        Assert.StartsWith("error: ", line);
        Assert.False(File.Exists(JsonPath), "--json output was written although the command failed");
        return line;
    }

    [Theory]
    [InlineData("--relaxations", "box,octagon", "octagon")]
    [InlineData("--eps", "-0.1", "-0.1")]
    [InlineData("--points", "2", "2")]
    [InlineData("--span", "0", "0")]
    [InlineData("--span", "-1", "-1")]
    [InlineData("--directions", "0", "0")]
    [InlineData("--refinements", "3", "3")]
    public void Bad_input_is_one_error_line_naming_the_flag(string flag, string value, string named)
    {
        var line = Fails(flag, value);
        Assert.StartsWith($"error: {flag}", line);
        Assert.Contains(named, line);
    }

    [Fact]
    public void A_model_is_needed_unless_theory_only()
    {
        var (code, errors) = CliRunner.Run("continuity", "--relaxations", "box");
        Assert.NotEqual(0, code);
        Assert.StartsWith("error: --model", Assert.Single(errors));
    }

    [Fact]
    public void Theory_only_json_lists_every_relaxation_as_typed()
    {
        var (code, _, errors) = CliRunner.RunCapturingOutput("continuity", "--theory-only",
            "--relaxations", "box,hbox,deeppoly:0-c,box:round=0.5:dcs=10", "--json", JsonPath);
        Assert.Equal(0, code);
        Assert.Empty(errors);
        var json = JsonNode.Parse(File.ReadAllText(JsonPath))!.AsObject();
        Assert.Null(json["empirical"]);
        var theory = json["theory"]!.AsObject();
        Assert.Equal(["box", "hbox", "deeppoly:0-c", "box:round=0.5:dcs=10"], theory.Select(kv => kv.Key));
        Assert.True(theory["box"]!["continuous"]!.GetValue<bool>());
        Assert.False(theory["hbox"]!["continuous"]!.GetValue<bool>());
        var jump = theory["hbox"]!["jumps"]!.AsArray()[0]!;
        Assert.Equal("l = 0", jump["at"]!.GetValue<string>());
        Assert.NotNull(jump["what"]);
        Assert.True(jump["size"]!.GetValue<double>() > 0);
        Assert.True(theory["deeppoly:0-c"]!["continuous"]!.GetValue<bool>());
        Assert.False(theory["box:round=0.5:dcs=10"]!["continuous"]!.GetValue<bool>());
    }

    [Fact]
    public void Empirical_json_and_tables()
    {
        var (code, output, errors) = CliRunner.RunCapturingOutput("continuity", "--model", model, "--net", "CONV", "--dataset", "mnist",
            "--relaxations", "box", "--n", "5", "--directions", "1", "--points", "5", "--probes", "1", "--refinements", "6",
            "--json", JsonPath);
        Assert.Equal(0, code);
        Assert.Empty(errors);
        Assert.Contains("continuity in theory", output);
        Assert.Contains("agrees with theory", output);
        var json = JsonNode.Parse(File.ReadAllText(JsonPath))!.AsObject();
        Assert.True(json["theory"]!["box"]!["continuous"]!.GetValue<bool>());
        var box = json["empirical"]!["box"]!;
        Assert.Equal(0, box["jumps_found"]!.GetValue<int>());
        Assert.True(box["agrees_with_theory"]!.GetValue<bool>());
        foreach (var key in new[] { "per_unit_length", "largest_jump", "directions_with_jump", "evaluations", "seconds" })
            Assert.NotNull(box[key]);
        var line = box["lines"]!.AsArray().Single()!;
        Assert.Equal(5, line["t"]!.AsArray().Count);
        Assert.Equal(5, line["loss"]!.AsArray().Count);
        Assert.Equal(5, json["settings"]!["n"]!.GetValue<int>());
    }
}
