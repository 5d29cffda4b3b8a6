using Paradox.Tests.Reproduction;
using Xunit;

namespace Paradox.Tests.Cli;

/// <summary>
/// Every command that writes files checks where it writes BEFORE any work: a bad output path is one `error:` line naming
/// the flag, exit 2, and nothing computed or printed (no table, no progress) and nothing written.
/// </summary>
[Collection(CliRunner.Collection)]
public sealed class OutputPreflightTests : IDisposable
{
    readonly ScratchDir dir = new();
    readonly string model;
    /// <summary>A file in a directory that does not exist.</summary>
    const string Missing = "/nonexistent-paradox-dir/sub/out";
    /// <summary>A directory that cannot be created: its parent is a regular file (fails even for root).</summary>
    readonly string blocked;

    public OutputPreflightTests()
    {
        model = TinyModelFile.Create(dir);
        blocked = Path.Combine(dir.Write("a-file", [1]), "sub");
    }

    public void Dispose() => dir.Dispose();

    void AssertFailsFirst(string flag, params string[] args)
    {
        var before = Directory.GetFileSystemEntries(dir.Path).Order().ToArray();
        var (code, output, errors) = CliRunner.RunCapturingOutput(args);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {flag}", Assert.Single(errors));
        Assert.Equal("", output);   // no table, no progress: the work never started
        Assert.Equal(before, Directory.GetFileSystemEntries(dir.Path).Order().ToArray());
    }

    [Fact]
    public void Certify() => AssertFailsFirst("--json", "certify", "--model", model, "--domains", "box", "--eps", "0.01", "--n", "10",
        "--json", Missing + ".json");

    [Fact]
    public void Eval() => AssertFailsFirst("--json", "eval", "--model", model, "--n", "10", "--pgd_steps", "1",
        "--json", Missing + ".json");

    [Fact]
    public void Bounds() => AssertFailsFirst("--json", "bounds", "--model", model, "--domain", "box", "--indices", "0-1",
        "--json", Missing + ".json");

    [Fact]
    public void Tightness() => AssertFailsFirst("--json", "tightness", "--model", model, "--relaxations", "box", "--n", "2",
        "--json", Missing + ".json");

    [Fact]
    public void Continuity() => AssertFailsFirst("--json", "continuity", "--model", model, "--relaxations", "box", "--n", "5",
        "--directions", "1", "--json", Missing + ".json");

    [Fact]
    public void Sensitivity() => AssertFailsFirst("--json", "sensitivity", "--model", model, "--relaxations", "box", "--n", "5",
        "--directions", "1", "--json", Missing + ".json");

    [Theory]
    [InlineData("--png")]
    [InlineData("--csv")]
    public void Landscape(string flag) => AssertFailsFirst(flag, "landscape", "--model", model, "--relaxations", "box", "--n", "5",
        "--points", "3", flag, Missing);

    [Fact]
    public void Analyze() => AssertFailsFirst("--out", "analyze", "--model", model, "--relaxations", "box", "--tightness_n", "2",
        "--n", "5", "--out", blocked);

    [Theory]
    [InlineData("train")]
    [InlineData("cert")]
    public void Train(string verb) => AssertFailsFirst("--main_dir", verb, "--label", "r", "--mode", "train-provable",
        "--dataset", "mnist", "--net", "fc1", "--train_domain", "box", "--eps_train", "0.01", "--verify_domains", "box",
        "--n_epochs", "1", "--device", "cpu", "--main_dir", blocked);

    [Fact]
    public void Train_eval_mode() => AssertFailsFirst("--main_dir", "train", "--mode", "eval", "--load_model", model, "--net", "fc1",
        "--dataset", "mnist", "--verify_domains", "box", "--verify_max_tests", "10", "--device", "cpu", "--main_dir", blocked);

    [Fact]
    public void Reproduce() => AssertFailsFirst("--main_dir", "reproduce", "--grid", GridFileTests.GridPath, "--profile", "smoke",
        "--only", "^fashion-mnist-FC-box$", "--main_dir", blocked);
}
