using Paradox.Training;
using Xunit;

namespace Paradox.Tests.Training;

/// <summary>eps, kappa, beta and the learning rate at chosen optimizer steps of the warm-up, ramp and constant phases.</summary>
public class ScheduleTests
{
    const int StepsPerEpoch = 10;
    const double Lr = 1e-3;

    /// <summary>Warm-up 2 epochs (20 steps), ramp 4 epochs (40 steps): eps 0.1 -> 0.3, kappa 0.8 -> 0.2, beta 1 -> 0.</summary>
    static readonly TrainConfig Ramped = new()
    {
        EpsTrain = 0.3, Eps1 = 0.1, Kappa1 = 0.8, Kappa2 = 0.2, Beta1 = 1, Beta2 = 0,
        WarmupEpochs = 2, MixEpochs = 4, NEpochs = 200, Lr = Lr,
    };

    static void AssertValues(ScheduleValues actual, double eps, double kappa, double beta)
    {
        Assert.Equal(eps, actual.Eps, 12);
        Assert.Equal(kappa, actual.Kappa, 12);
        Assert.Equal(beta, actual.Beta, 12);
    }

    static double LrAtEpoch(TrainConfig config, int epoch) => new Schedule(config, StepsPerEpoch).LearningRate((long)epoch * StepsPerEpoch);

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    public void Warm_up_is_natural_training_at_eps1(long step) =>
        AssertValues(new Schedule(Ramped, StepsPerEpoch).At(step), eps: 0.1, kappa: 1, beta: 1);

    [Fact]
    public void Ramp_starts_from_the_first_values() =>
        AssertValues(new Schedule(Ramped, StepsPerEpoch).At(20), eps: 0.1, kappa: 0.8, beta: 1);

    [Fact]
    public void Ramp_midpoint_is_halfway() =>
        AssertValues(new Schedule(Ramped, StepsPerEpoch).At(40), eps: 0.2, kappa: 0.5, beta: 0.5);

    [Theory]
    [InlineData(60)]
    [InlineData(1999)]
    public void After_the_ramp_the_values_are_constant(long step) =>
        AssertValues(new Schedule(Ramped, StepsPerEpoch).At(step), eps: 0.3, kappa: 0.2, beta: 0);

    [Fact]
    public void Without_a_ramp_the_final_values_start_after_the_warm_up() =>
        AssertValues(new Schedule(Ramped with { MixEpochs = 0 }, StepsPerEpoch).At(20), eps: 0.3, kappa: 0.2, beta: 0);

    [Fact]
    public void Natural_training_keeps_kappa_at_one() =>
        Assert.Equal(1, new Schedule(Ramped with { Mode = TrainMode.TrainNatural }, StepsPerEpoch).At(40).Kappa);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(129, 1)]
    [InlineData(130, 0.1)]
    [InlineData(189, 0.1)]
    [InlineData(190, 0.01)]
    public void Milestones_divide_the_lr_by_ten(int epoch, double factor) =>
        Assert.Equal(Lr * factor, LrAtEpoch(Ramped with { LrMilestones = [130, 190] }, epoch), 15);

    [Theory]
    [InlineData(1319, 1)]
    [InlineData(1320, 0.1)]
    [InlineData(1979, 0.1)]
    [InlineData(1980, 0.01)]
    public void Milestones_below_one_are_fractions_of_the_epochs(int epoch, double factor) =>
        Assert.Equal(Lr * factor, LrAtEpoch(Ramped with { NEpochs = 2200, LrMilestones = [0.6, 0.9] }, epoch), 15);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 1)]
    [InlineData(6, 1)]
    [InlineData(25, 1)]
    [InlineData(26, 0.5)]
    [InlineData(45, 0.5)]
    [InlineData(46, 0.25)]
    public void By_default_the_lr_halves_every_20_epochs_after_the_ramp(int epoch, double factor) =>
        Assert.Equal(Lr * factor, LrAtEpoch(Ramped, epoch), 15);

    [Theory]
    [InlineData(15, 1)]
    [InlineData(16, 0.5)]
    [InlineData(26, 0.25)]
    public void Tenhalf_halves_every_10_epochs_after_the_ramp(int epoch, double factor) =>
        Assert.Equal(Lr * factor, LrAtEpoch(Ramped with { Tenhalf = true }, epoch), 15);

    [Theory]
    [InlineData(1999, 0.1, 1, 1)]
    [InlineData(2000, 0.1, 0.8, 1)]
    [InlineData(7000, 0.2, 0.5, 0.5)]
    [InlineData(12000, 0.3, 0.2, 0)]
    public void Ibp_scheduling_uses_2000_warm_up_and_10000_ramp_steps(long step, double eps, double kappa, double beta) =>
        AssertValues(new Schedule(Ramped with { IbpScheduling = true }, StepsPerEpoch).At(step), eps, kappa, beta);

    [Theory]
    [InlineData(14999, 1)]
    [InlineData(15000, 0.1)]
    [InlineData(24999, 0.1)]
    [InlineData(25000, 0.01)]
    public void Ibp_scheduling_divides_the_lr_by_ten_at_steps_15000_and_25000(long step, double factor) =>
        Assert.Equal(Lr * factor, new Schedule(Ramped with { IbpScheduling = true }, StepsPerEpoch).LearningRate(step), 15);
}
