using Paradox.Relaxations;
using Paradox.Training.Methods;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Training.Methods;

public class TrainingAttackTests
{
    [Fact]
    public void Pgd_finds_the_corner_that_maximises_a_linear_loss()
    {
        // Label 0 loses most where x0 - 3 x1 - 0.5 is least: at x0 = 0.3, x1 = 0.3 of the ball [0.3, 0.7] x [0, 0.3].
        using var network = MethodCases.Linear();
        using var ball = InputRegion.Ball(MethodCases.X, 0.2);
        using var generator = new Generator(4);
        var attack = TrainingAttacks.Pgd(new TrainingPgdOptions(Steps: 8, RelativeStep: 0.25), 0.2);
        using var point = attack(network, MethodCases.X, MethodCases.Y, ball, generator);
        Assert.Equal([0.3f, 0.3f], point.data<float>().ToArray(), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Pgd_returns_a_point_of_the_region_for_every_sample_even_unbroken_ones()
    {
        var (network, x, y) = MethodCases.Tiny();
        using var _ = network;
        using var ball = InputRegion.Ball(x, 0.1);
        using var generator = new Generator(5);
        using var point = TrainingAttacks.Pgd(new TrainingPgdOptions(Steps: 3), 0.1)(network, x, y, ball, generator);
        Assert.True(point.ge(ball.Lower).all().item<bool>() && point.le(ball.Upper).all().item<bool>());
        // A random start almost surely moves every sample away from the clean input.
        Assert.True((point - x).abs().flatten(1).max(1).values.gt(0).all().item<bool>());
    }
}
