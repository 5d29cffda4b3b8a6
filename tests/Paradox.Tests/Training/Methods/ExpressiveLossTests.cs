using Paradox.Relaxations;
using Paradox.Training.Methods;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Training.Methods;

public class ExpressiveLossTests
{
    // The attack point (0.7, 0) gives class 1 a logit 0.2 below class 0's; over the ball [0.3, 0.7] x [0, 0.3] Box bounds
    // the margin x0 - 3 x1 - 0.5 below by -1.1 (exactly, the map is linear).
    const double AdversarialDifference = -0.2, VerifiedDifference = 1.1, Alpha = 0.25;

    static float Loss(
        Func<Paradox.Networks.Network, MethodBatch, Relaxation, ExpressiveParameters, Generator?, TrainingAttack?, LossParts> method)
    {
        using var network = MethodCases.Linear();
        var batch = new MethodBatch(MethodCases.X, MethodCases.Y, Eps: 0.2);
        return method(network, batch, MethodCases.Box, new ExpressiveParameters(Alpha), null, MethodCases.Fixed(0.7f, 0f))
            .Total.item<float>();
    }

    [Fact]
    public void Mtl_ibp_combines_the_losses()
    {
        double expected = (1 - Alpha) * MethodCases.Ce(AdversarialDifference) + Alpha * MethodCases.Ce(VerifiedDifference);
        Assert.Equal(expected, Loss(MtlIbp.Loss), 1e-6);
    }

    [Fact]
    public void Cc_ibp_combines_the_logit_differences()
    {
        double expected = MethodCases.Ce((1 - Alpha) * AdversarialDifference + Alpha * VerifiedDifference);
        Assert.Equal(expected, Loss(CcIbp.Loss), 1e-6);
    }

    [Fact]
    public void Exp_ibp_multiplies_powers_of_the_losses()
    {
        double expected = Math.Pow(MethodCases.Ce(AdversarialDifference), 1 - Alpha) * Math.Pow(MethodCases.Ce(VerifiedDifference), Alpha);
        Assert.Equal(expected, Loss(ExpIbp.Loss), 1e-6);
    }

    public static TheoryData<string> Methods => new() { "mtl-ibp", "cc-ibp", "exp-ibp" };

    static LossParts Run(string method, Paradox.Networks.Network network, MethodBatch batch, double alpha, TrainingAttack? attack = null)
    {
        var p = new ExpressiveParameters(alpha);
        return method switch
        {
            "mtl-ibp" => MtlIbp.Loss(network, batch, MethodCases.Box, p, null, attack),
            "cc-ibp" => CcIbp.Loss(network, batch, MethodCases.Box, p, null, attack),
            _ => ExpIbp.Loss(network, batch, MethodCases.Box, p, null, attack),
        };
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Alpha_one_is_box_training_bit_for_bit(string method)
    {
        var (network, x, y) = MethodCases.Tiny();
        using var _ = network;
        var batch = new MethodBatch(x, y, Eps: 0.05);
        float methodLoss = 0, boxLoss = 0;
        var viaMethod = MethodCases.GradientOf(network, () =>
        {
            var parts = Run(method, network, batch, alpha: 1,
                attack: (n, xx, yy, r, g) => throw new InvalidOperationException("alpha 1 needs no attack"));
            methodLoss = parts.Total.item<float>();
            parts.Total.backward();
        });
        var viaBox = MethodCases.GradientOf(network, () =>
        {
            using var ball = InputRegion.Ball(x, 0.05);
            var loss = MethodCases.Box.CertifiedLoss(network, ball, y, SpecKind.Diffs);
            boxLoss = loss.item<float>();
            loss.backward();
        });
        Assert.Equal(boxLoss, methodLoss);
        Assert.Equal(viaBox, viaMethod);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Alpha_zero_is_the_adversarial_loss(string method)
    {
        using var network = MethodCases.Linear();
        var batch = new MethodBatch(MethodCases.X, MethodCases.Y, Eps: 0.2);
        var parts = Run(method, network, batch, alpha: 0, attack: MethodCases.Fixed(0.7f, 0f));
        Assert.Equal(MethodCases.Ce(AdversarialDifference), parts.Total.item<float>(), 1e-6);
        // The batch's certified count still comes from the ball's bounds.
        Assert.NotNull(parts.WorstCaseLogits);
    }
}
