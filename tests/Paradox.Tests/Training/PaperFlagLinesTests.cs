using System.Text.Json;
using Paradox.Tests.Cli;
using TorchSharp;
using Xunit;

namespace Paradox.Tests.Training;

/// <summary>
/// Every run of the paper's published scripts (TestData/paper-experiment-flags.txt, one line of cert.py flags per
/// run) is accepted by `paradox cert --dry_run`, and the resolved configuration holds each given value under the
/// TrainConfig property of the same name and cert.py's default for every flag the line leaves out.
/// </summary>
[Collection(CliRunner.Collection)]
public class PaperFlagLinesTests
{
    static readonly string[] Lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "paper-experiment-flags.txt"))
        .Where(l => l.Trim().Length > 0).ToArray();

    public static TheoryData<int> LineNumbers => new(Enumerable.Range(1, Lines.Length));

    /// <summary>cert.py's defaults, as JSON, for the flags a line may leave out.</summary>
    static readonly Dictionary<string, string> CertDefaults = new()
    {
        ["seed"] = "100", ["percent"] = "100", ["init_method"] = "\"default\"", ["main_dir"] = "\".\"", ["load_model"] = "null",
        ["opt"] = "\"adam\"", ["train_domain"] = "null", ["batch_size"] = "100", ["batch_pieces"] = "1",
        ["eps_train"] = "null", ["eps_test"] = "[]", ["reg"] = "null", ["reg_lambda"] = "0",
        ["relu6"] = "false", ["do_transform"] = "false", ["unnormalized"] = "false",
        ["n_epochs"] = "200", ["warmup_epochs"] = "0", ["mix_epochs"] = "50", ["lr"] = "0.0005", ["lr_milestones"] = "null",
        ["ibp_scheduling"] = "false", ["tenhalf"] = "false", ["beta1"] = "1", ["beta2"] = "1", ["kappa1"] = "1", ["kappa2"] = "0",
        ["eps1"] = "0", ["pgd_steps"] = "100", ["pgd_step_size"] = "0.01", ["verify_max_tests"] = "null", ["skip"] = "-1",
        ["soft_slope_gamma"] = "null", ["zono_kappa"] = "null", ["loosebox_widen"] = "null", ["loosebox_round"] = "null",
        ["dcs_per_one"] = "1", ["crown_variant"] = "null",
    };

    /// <summary>Flags whose values are strings in the configuration (all others are numbers or switches).</summary>
    static readonly HashSet<string> StringFlags = ["label", "mode", "dataset", "net", "main_dir", "load_model", "train_domain",
        "crown_variant", "init_method", "opt", "reg", "c", "verify_domains"];
    static readonly HashSet<string> ListFlags = ["eps_test", "verify_domains", "lr_milestones"];

    [Fact]
    public void The_copy_of_the_scripts_has_all_74_runs() => Assert.Equal(74, Lines.Length);

    [Theory]
    [MemberData(nameof(LineNumbers))]
    public void Line_resolves_to_its_settings_and_cert_py_defaults(int lineNumber)
    {
        var line = FlagLine.Parse(Lines[lineNumber - 1]);
        var (code, output, errors) = CliRunner.RunCapturingOutput(["cert", .. line.ToArgs(), "--dry_run"]);

        Assert.True(code == 0, $"line {lineNumber}: exit {code}: {string.Join(" | ", errors)}");
        Assert.All(errors, e => Assert.StartsWith("notice: ", e));
        using var json = JsonDocument.Parse(output);
        var config = json.RootElement;
        var given = new HashSet<string>();
        foreach (var (flag, values) in line.Flags)
        {
            var key = flag[2..].ToLowerInvariant();
            given.Add(key);
            AssertJson(Expected(key, values), config.GetProperty(key), $"line {lineNumber}, {flag}");
        }
        foreach (var (key, expected) in CertDefaults.Where(d => !given.Contains(d.Key)))
            AssertJson(expected, config.GetProperty(key), $"line {lineNumber}, default of --{key}");
        Assert.Equal(torch.cuda.is_available() ? "cuda" : "cpu", config.GetProperty("device").GetString());
    }

    /// <summary>The JSON a flag's values should resolve to: a switch is true, lists are split at commas.</summary>
    static string Expected(string key, string[] values)
    {
        string Scalar(string v) => StringFlags.Contains(key) ? JsonSerializer.Serialize(v) : v;
        if (values.Length == 0) return "true";
        if (ListFlags.Contains(key)) return "[" + string.Join(",", values.SelectMany(v => v.Split(',')).Select(Scalar)) + "]";
        return Scalar(Assert.Single(values));
    }

    static void AssertJson(string expected, JsonElement actual, string what)
    {
        using var expectedJson = JsonDocument.Parse(expected);
        Assert.True(JsonElement.DeepEquals(expectedJson.RootElement, actual), $"{what}: expected {expected}, got {actual.GetRawText()}");
    }
}
