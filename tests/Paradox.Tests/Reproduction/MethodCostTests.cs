using Paradox.Reproduction;
using Paradox.Training;
using Xunit;

namespace Paradox.Tests.Reproduction;

/// <summary>The grid's cost model prices a `--method` by its structure: RGS k steps, PGPE 2P + 1 forward passes, SABR its attack.</summary>
public sealed class MethodCostTests
{
    static readonly CostModel Cost = GridDefinition.Load(GridFileTests.GridPath).Cost;

    // Provable steps only (no warm-up, no ramp, beta 1): the training seconds are steps x the method's step.
    static readonly TrainConfig Standard = new()
    {
        Net = "CONV", Dataset = "mnist", TrainDomain = "deeppoly", EpsTrain = 0.3, NEpochs = 2, WarmupEpochs = 0, MixEpochs = 0,
        Kappa1 = 0, Kappa2 = 0,
    };

    static double Train(TrainConfig c) => Cost.Estimate(c)!.TrainSeconds;

    [Fact]
    public void Methods_cost_their_structure_times_the_relaxation_step()
    {
        double standard = Train(Standard), steps = Cost.Estimate(Standard)!.Steps;
        double relaxation = Cost.Step("CONV", "deeppoly")!.Value, natural = Cost.Step("CONV", "natural")!.Value;
        Assert.Equal(steps * relaxation, standard, 6);
        Assert.Equal(4 * standard, Train(Standard with { Method = "rgs" }), 6);             // --gls_samples 4 by default
        Assert.Equal(2 * standard, Train(Standard with { Method = "rgs", GlsSamples = 2 }), 6);
        Assert.Equal(17 / 3.0 * standard, Train(Standard with { Method = "pgpe" }), 6);     // 2 x 8 + 1 forward passes
        var sabr = Standard with { TrainDomain = "box", Method = "sabr", MethodPgdSteps = 5 };
        Assert.Equal(steps * (Cost.Step("CONV", "box")!.Value + 6 * natural), Train(sabr), 6);
        Assert.Equal(Train(Standard with { Method = "standard" }), standard, 6);
    }
}
