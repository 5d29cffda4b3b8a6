using Xunit;

namespace Paradox.Tests.Cli;

/// <summary>`paradox landscape` end to end on a tiny model, and its one-line errors that leave no file behind.</summary>
[Collection(CliRunner.Collection)]
public sealed class LandscapeCommandTests : IDisposable
{
    readonly ScratchDir dir = new();
    readonly string model;
    string Png => dir.File("land.png");
    string Csv => dir.File("land.csv");

    public LandscapeCommandTests() => model = TinyModelFile.Create(dir);

    public void Dispose() => dir.Dispose();

    /// <summary>A quick run's arguments; a flag given in <paramref name="changes"/> replaces its default.</summary>
    string[] Args(params string[] changes) => CommandArgs.With(
        ["landscape", "--model", model, "--relaxations", "box,deeppoly", "--n", "5", "--points", "5", "--png", Png, "--csv", Csv], changes);

    [Theory]
    [InlineData(1, 1 + 3 * 5)]
    [InlineData(2, 1 + 3 * 25)]
    public void Writes_png_and_csv(int dims, int csvLines)
    {
        var (code, output, errors) = CliRunner.RunCapturingOutput(Args("--dims", dims.ToString(), "--include-natural", "--log"));

        Assert.True(code == 0, string.Join("\n", errors));
        Assert.Equal(csvLines, File.ReadAllLines(Csv).Length);
        Assert.Equal(0x89, File.ReadAllBytes(Png)[0]);
        Assert.Contains("deeppoly", output);
        Assert.Contains($"wrote {Png}", output);
    }

    [Theory]
    [InlineData("--relaxations", "box,octagon", "octagon")]
    [InlineData("--eps", "-0.1", "-0.1")]
    [InlineData("--dims", "3", "1 or 2")]
    [InlineData("--points", "2", "at least 3")]
    [InlineData("--span", "0", "> 0")]
    public void Bad_flag_is_one_error_line(string flag, string value, string expected)
    {
        var line = Fails(Args(flag, value));
        Assert.StartsWith($"error: {flag}", line);
        Assert.Contains(expected, line);
    }

    [Theory]
    [InlineData("--png")]
    [InlineData("--csv")]
    public void Output_in_a_missing_directory_fails_before_computing(string flag)
    {
        var missing = Path.Combine(dir.Path, "absent", "out");
        var line = Fails(Args(flag, missing));
        Assert.StartsWith($"error: {flag}", line);
        Assert.Contains(Path.Combine(dir.Path, "absent"), line);
    }

    string Fails(string[] args)
    {
        var (code, errors) = CliRunner.Run(args);
        Assert.NotEqual(0, code);
        var line = Assert.Single(errors);
        Assert.False(File.Exists(Png) || File.Exists(Csv), "an output file was written although the command failed");
        return line;
    }
}
