using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Tests.Relaxations;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Runtime;

/// <summary>
/// A training step's gradients through a stride-1 convolution (a CONVPLUS-like network) are right: the float32
/// autograd gradient with respect to every weight and the input, along random directions, agrees with central finite
/// differences of the same loss on a float64 copy of the network (step 1e-6; a direction whose difference quotient
/// changes between steps h and h/4 crosses a kink of the piecewise-smooth loss and is skipped). The tolerance, 1e-3 of
/// the sum of |gradient x direction| terms, is far above float32 rounding and far below the errors of a wrong
/// input-gradient kernel (0.5 to 90 on AMD Zen 5 with oneDNN). The zonotope losses are left out: their |coefficient|
/// sums have kinks at the unperturbed weights themselves (zero coefficients), where no difference quotient converges.
/// </summary>
public sealed class StrideOneGradientTests
{
    static TestNetworkBuilder Builder() => new TestNetworkBuilder([1, 12, 12]).Normalize([0.13f], [0.31f])
        .Conv(4, 4, 2, 0).Relu().Conv(6, 3, 1, 1).Relu().Conv(5, 3, 1, 0).Relu().Flatten().Linear(10).Relu().Linear(4);

    [Theory]
    [InlineData("natural")]
    [InlineData("box")]
    [InlineData("deeppoly")]
    [InlineData("crown-ibp")]
    public void Autograd_agrees_with_float64_finite_differences(string loss)
    {
        const ulong seed = 23;
        const float eps = 0.02f;
        using var scope = NewDisposeScope();
        var network = Builder().Build(seed);
        var twin = Builder().Build(seed).To(CPU, ScalarType.Float64);
        using var generator = new Generator(seed + 7);
        var x = rand([3, 1, 12, 12], generator: generator) * 0.8 + 0.1;
        Tensor labels;
        using (no_grad()) labels = network.Forward(x).argmax(1);

        network.SetRequiresGrad(true);
        var input = x.clone().requires_grad_(true);
        var leaves = network.Parameters().Cast<Tensor>().Append(input).ToList();
        var gradients = autograd.grad([Loss(loss, network, input, labels, eps)], leaves);

        var twinLeaves = twin.Parameters().Cast<Tensor>().ToList();
        var x64 = x.to(ScalarType.Float64);
        int checkedDirections = 0;
        for (int d = 0; d < 4; d++)
        {
            var directions = leaves.Select(l => randn(l.shape, dtype: ScalarType.Float64, generator: generator)).ToList();
            double predicted = 0, scale = 0;
            for (int i = 0; i < leaves.Count; i++)
            {
                var terms = gradients[i].to(ScalarType.Float64) * directions[i];
                predicted += terms.sum().item<double>();
                scale += terms.abs().sum().item<double>();
            }
            double Along(double t)
            {
                using var _ = no_grad();
                for (int i = 0; i < twinLeaves.Count; i++) twinLeaves[i].add_(directions[i] * t);
                double value = Loss(loss, twin, x64 + directions[^1] * t, labels, eps).item<double>();
                for (int i = 0; i < twinLeaves.Count; i++) twinLeaves[i].sub_(directions[i] * t);
                return value;
            }
            const double h = 1e-6;
            double quotient = (Along(h) - Along(-h)) / (2 * h), finer = (Along(h / 4) - Along(-h / 4)) / (h / 2);
            if (Math.Abs(quotient - finer) > 1e-6 * (Math.Abs(quotient) + scale)) continue; // a kink between the steps
            checkedDirections++;
            Assert.True(Math.Abs(predicted - quotient) <= 1e-3 * scale + 1e-7,
                $"{loss}, direction {d}: autograd (float32) gives {predicted:R}, finite differences (float64) {quotient:R}, " +
                $"terms sum to {scale:G3}");
        }
        Assert.True(checkedDirections >= 2, $"{loss}: only {checkedDirections} of 4 directions were away from kinks");
    }

    static Tensor Loss(string loss, Network network, Tensor x, Tensor labels, float eps)
    {
        if (loss == "natural") return nn.functional.cross_entropy(network.Forward(x), labels);
        using var region = InputRegion.Ball(x, eps);
        return RelaxationCatalog.Create(loss).CertifiedLoss(network, region, labels, SpecKind.Diffs);
    }
}
