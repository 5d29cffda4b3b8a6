using Paradox.Cli;
using Xunit;

namespace Paradox.Tests.Cli;

/// <summary>User errors end the command with a non-zero exit code and one `error:` line naming the flag or file.</summary>
[Collection(CliRunner.Collection)]
public class CliErrorTests : IDisposable
{
    readonly ScratchDir dir = new();
    readonly string fcModel = TestPaths.Model("mnist_FC_box.pt");
    string JsonPath => dir.File("result.json");

    public void Dispose() => dir.Dispose();

    /// <summary>Runs `eval` with a --json output and the given flags; asserts the failure shape and returns the error line.</summary>
    string EvalFails(params string[] flags)
    {
        var (code, errors) = CliRunner.Run(["eval", "--json", JsonPath, "--n", "5", "--pgd_steps", "1", .. flags]);
        Assert.NotEqual(0, code);
        var line = Assert.Single(errors);
        Assert.StartsWith("error: ", line);
        Assert.False(File.Exists(JsonPath), "--json output was written although the command failed");
        return line;
    }

    [Fact]
    public void Unknown_net()
    {
        var line = EvalFails("--model", fcModel, "--net", "resnet", "--dataset", "mnist");
        Assert.Contains("--net", line);
        Assert.Contains("resnet", line);
    }

    [Fact]
    public void Unknown_dataset()
    {
        var line = EvalFails("--model", fcModel, "--net", "FC", "--dataset", "imagenet");
        Assert.Contains("--dataset", line);
        Assert.Contains("imagenet", line);
    }

    [Fact]
    public void Missing_model_file()
    {
        var missing = dir.File("absent.pt");
        var line = EvalFails("--model", missing, "--net", "FC", "--dataset", "mnist");
        Assert.Contains("--model", line);
        Assert.Contains(missing, line);
    }

    [Fact]
    public void Model_of_another_architecture()
    {
        var conv = TestPaths.Model("mnist_CONV_box.pt");
        var line = EvalFails("--model", conv, "--net", "FC", "--dataset", "mnist");
        Assert.Contains(conv, line);
        Assert.Contains("--net FC", line);
    }

    [Fact]
    public void Truncated_model_file()
    {
        var truncated = dir.File("truncated.pt");
        var bytes = File.ReadAllBytes(fcModel);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var line = EvalFails("--model", truncated, "--net", "FC", "--dataset", "mnist");
        Assert.Contains(truncated, line);
    }

    [Theory]
    [InlineData("-0.1")]
    [InlineData("NaN")]
    public void Negative_or_nan_eps(string eps)
    {
        var line = EvalFails("--model", fcModel, "--net", "FC", "--dataset", "mnist", "--eps", eps);
        Assert.StartsWith("error: --eps", line);
        Assert.Contains(eps, line);
    }

    [Fact]
    public void Info_reports_a_wrong_architecture_the_same_way()
    {
        var (code, errors) = CliRunner.Run("info", "--model", TestPaths.Model("mnist_CONV_box.pt"), "--net", "FC", "--dataset", "mnist");
        Assert.NotEqual(0, code);
        Assert.StartsWith("error: ", Assert.Single(errors));
    }

    [Theory]
    [InlineData("--batch_size")]
    [InlineData("--batch-size")]
    public void Batch_size_is_accepted_with_underscore_or_hyphen(string flag)
    {
        var result = App.BuildRoot().Parse(["eval", "--model", fcModel, flag, "7"]);
        Assert.Empty(result.Errors);
        Assert.Equal(7, result.GetValue<int>("--batch_size"));
    }

    [Fact]
    public void A_misspelt_flag_is_a_parse_error()
    {
        var result = App.BuildRoot().Parse(["eval", "--model", fcModel, "--batch_sizes", "7"]);
        Assert.NotEmpty(result.Errors);
    }
}
