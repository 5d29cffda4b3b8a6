using System.Text.Json;
using Paradox.Tests.Cli;
using Paradox.Training;
using Paradox.Verification;
using Xunit;

namespace Paradox.Tests.Training;

/// <summary>The milp flags of `train`/`cert` reach the configuration and the final evaluation (they were dropped before).</summary>
[Collection(CliRunner.Collection)]
public sealed class MilpFlagsTests
{
    const string Line = "--label m --mode train-provable --dataset mnist --net fc1 --train_domain box --eps_train 0.1 " +
        "--verify_domains milp --device cpu";

    [Fact]
    public void Milp_flags_reach_the_final_evaluation()
    {
        var (code, output, errors) = CliRunner.RunCapturingOutput(
            ["cert", .. FlagLine.Parse(Line + " --milp_time_limit 7 --milp_max_relus 300").ToArgs(), "--dry_run"]);
        Assert.True(code == 0, string.Join(" | ", errors));
        using var json = JsonDocument.Parse(output);
        Assert.Equal(7, json.RootElement.GetProperty("milp_time_limit").GetDouble());
        Assert.Equal(300, json.RootElement.GetProperty("milp_max_relus").GetInt64());
        var config = TrainConfig.FromJson(output, "dry run");
        var milp = Assert.IsType<MilpEngine>(Assert.Single(FinalEvaluation.Relaxations(config)).Engine);
        Assert.Equal(7, milp.TimeLimitSeconds);
        Assert.Equal(300, milp.MaxReluNeurons);
    }

    [Fact]
    public void Without_the_flags_the_engine_defaults_apply_and_the_hash_is_unchanged()
    {
        var (config, _) = TrainSettings.Resolve(
            Paradox.Reproduction.FlagTokens.Groups(Paradox.Reproduction.FlagTokens.Split(Line), "line"), certCompat: true);
        var milp = Assert.IsType<MilpEngine>(Assert.Single(FinalEvaluation.Relaxations(config)).Engine);
        Assert.Equal(MilpEngine.DefaultTimeLimit, milp.TimeLimitSeconds);
        Assert.Equal((config with { MilpTimeLimit = null }).Hash(), config.Hash());
    }
}
