using Paradox.Relaxations;
using Paradox.Training.Methods;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Training.Methods;

public class SabrTests
{
    [Fact]
    public void Hand_checked_case_projects_the_attack_point_and_bounds_the_small_box()
    {
        // eps 0.2, lambda 0.5: tau 0.1, the centre must lie in [x - 0.1, x + 0.1] and in [0.1, 0.9]. The attack point (0.9, 0)
        // moves to (0.6, 0.1): the box is [0.5, 0.7] x [0, 0.2], where the margin x0 - 3 x1 - 0.5 is at least -0.6.
        using var network = MethodCases.Linear();
        var batch = new MethodBatch(MethodCases.X, MethodCases.Y, Eps: 0.2);
        var parts = Sabr.Loss(network, batch, MethodCases.Box, new SabrParameters(Lambda: 0.5), null, MethodCases.Fixed(0.9f, 0f));
        Assert.Equal(MethodCases.Ce(0.6), parts.Total.item<float>(), 1e-6);
        using var region = Sabr.PropagationRegion(MethodCases.X, tensor(new[] { 0.9f, 0f }).reshape(1, 2), 0.2, 0.1);
        Assert.Equal([0.5f, 0f], region.Lower.data<float>().ToArray(), new FloatTolerance(1e-7f));
        Assert.Equal([0.7f, 0.2f], region.Upper.data<float>().ToArray(), new FloatTolerance(1e-7f));
    }

    [Theory]
    [InlineData(0.1, 0.3)]
    [InlineData(0.3, 0.4)]
    [InlineData(0.3, 0.8)]
    [InlineData(0.05, 1.0)]
    public void Small_box_lies_in_the_ball_and_in_the_unit_interval(double eps, double lambda)
    {
        using var generator = new Generator(3);
        var x = rand([64, 1, 5, 5], generator: generator);
        x[0].fill_(0); x[1].fill_(1); // pixels on the border of [0,1]
        var attack = rand([64, 1, 5, 5], generator: generator) * 3 - 1; // anywhere, even outside [0,1]
        double tau = lambda * eps;
        using var region = Sabr.PropagationRegion(x, attack, eps, tau);
        using var ball = InputRegion.Ball(x, eps);
        Assert.True(region.Lower.ge(ball.Lower).all().item<bool>());
        Assert.True(region.Upper.le(ball.Upper).all().item<bool>());
        Assert.True(region.Upper.ge(region.Lower).all().item<bool>());
        Assert.True((region.Upper - region.Lower).le(2 * tau + 1e-6).all().item<bool>());
        // Where a centre can keep the whole box in the ball and in [0,1], the box has its full width.
        var roomy = (x - (eps - tau)).clamp_min(tau).le((x + (eps - tau)).clamp_max(1 - tau));
        var fullWidth = (region.Upper - region.Lower - 2 * tau).abs().le(1e-6);
        Assert.True(fullWidth.logical_or(roomy.logical_not()).all().item<bool>());
    }

    [Fact]
    public void Lambda_one_is_box_training_bit_for_bit()
    {
        var (network, x, y) = MethodCases.Tiny();
        using var _ = network;
        var batch = new MethodBatch(x, y, Eps: 0.05, Kappa: 0.3);
        float sabrLoss = 0, boxLoss = 0;
        var sabr = MethodCases.GradientOf(network, () =>
        {
            var parts = Sabr.Loss(network, batch, MethodCases.Box, new SabrParameters(Lambda: 1), null);
            sabrLoss = parts.Total.item<float>();
            parts.Total.backward();
        });
        var box = MethodCases.GradientOf(network, () =>
        {
            var natural = nn.functional.cross_entropy(network.Forward(x), y);
            using var ball = InputRegion.Ball(x, 0.05);
            var loss = 0.3 * natural + 0.7 * MethodCases.Box.CertifiedLoss(network, ball, y, SpecKind.Diffs);
            boxLoss = loss.item<float>();
            loss.backward();
        });
        Assert.Equal(boxLoss, sabrLoss);
        Assert.Equal(box, sabr);
    }

    [Fact]
    public void Certification_only_relaxations_and_bad_lambda_are_errors()
    {
        using var network = MethodCases.Linear();
        var batch = new MethodBatch(MethodCases.X, MethodCases.Y, Eps: 0.2);
        var e = Assert.Throws<ParadoxException>(() =>
            Sabr.Loss(network, batch, RelaxationCatalog.Create("triangle"), new SabrParameters(), null));
        Assert.Contains("certification only", e.Message);
        Assert.Contains("--sabr_lambda", Assert.Throws<ParadoxException>(() =>
            Sabr.Loss(network, batch, MethodCases.Box, new SabrParameters(Lambda: 0), null)).Message);
    }
}

/// <summary>Compares floats within an absolute tolerance.</summary>
sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
    public int GetHashCode(float v) => 0;
}
