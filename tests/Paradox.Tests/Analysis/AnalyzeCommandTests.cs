using System.Text.Json.Nodes;
using Paradox.Tests.Cli;
using Xunit;

namespace Paradox.Tests.Analysis;

/// <summary>`paradox analyze` composes the steps into report.md/report.json and resumes from its cached steps.</summary>
[Collection(CliRunner.Collection)]
public sealed class AnalyzeCommandTests
{
    static string[] Args(string outDir) =>
    [
        "analyze", "--net", "CONV", "--dataset", "mnist", "--model", TestPaths.Model("mnist_CONV_natural.pt"),
        "--relaxations", "box,crown-ibp", "--tightness_n", "20", "--n", "10", "--directions", "1",
        "--trained", $"box={TestPaths.Model("mnist_CONV_box.pt")}", "--certify_n", "20", "--out", outDir,
    ];

    [Fact]
    public void Writes_the_report_and_resumes_from_cached_steps()
    {
        using var dir = new ScratchDir();
        var outDir = dir.File("analysis");
        var (code, output, errors) = CliRunner.RunCapturingOutput(Args(outDir));
        Assert.True(code == 0, string.Join("\n", errors));
        Assert.DoesNotContain("cached", output);

        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")))!;
        var rows = report["table"]!.AsArray();
        Assert.Equal(["box", "crown-ibp"], rows.Select(r => (string)r!["relaxation"]!).ToArray());
        var box = rows[0]!;
        Assert.True((double)box["tightness"]! > 0);
        Assert.True((bool)box["continuous_theory"]!);
        Assert.False((bool)rows[1]!["continuous_theory"]!);
        Assert.InRange((double)box["certified"]!, 0, 1);
        Assert.NotNull(box["sensitivity_perturbation"]);
        var markdown = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| Relaxation | Tightness | Continuous (theory) |", markdown);
        Assert.True(new FileInfo(Path.Combine(outDir, "landscape.png")).Length > 1000);

        var (again, rerun, againErrors) = CliRunner.RunCapturingOutput(Args(outDir));
        Assert.True(again == 0, string.Join("\n", againErrors));
        Assert.Equal(5, rerun.Split('\n').Count(line => line.Contains(": cached (")));
    }

    [Fact]
    public void An_output_directory_that_cannot_be_written_is_a_one_line_error()
    {
        using var dir = new ScratchDir();
        var blocker = dir.Write("not-a-directory", [1]);
        var (code, errors) = CliRunner.Run(Args(blocker));
        Assert.Equal(2, code);
        Assert.StartsWith("error: --out", Assert.Single(errors));
    }
}
