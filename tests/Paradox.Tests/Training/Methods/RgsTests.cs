using Paradox.Relaxations;
using Paradox.Training.Methods;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Training.Methods;

public class RgsTests
{
    static float[] RgsGradient(Paradox.Networks.Network network, MethodBatch batch, RgsParameters p, ulong seed)
    {
        using var generator = new Generator(seed);
        return MethodCases.GradientOf(network, () => Rgs.Loss(network, batch, MethodCases.Box, p, generator));
    }

    static float[] PlainGradient(Paradox.Networks.Network network, MethodBatch batch) =>
        MethodCases.GradientOf(network, () => Rgs.CertifiedLoss(network, batch, MethodCases.Box).Total.backward());

    [Fact]
    public void Sigma_zero_with_one_sample_is_the_plain_gradient_bit_for_bit()
    {
        var (network, x, y) = MethodCases.Tiny();
        using var _ = network;
        var batch = new MethodBatch(x, y, Eps: 0.05, Kappa: 0.5);
        Assert.Equal(PlainGradient(network, batch), RgsGradient(network, batch, new RgsParameters(Sigma: 0, Samples: 1), 1));
    }

    [Fact]
    public void Sigma_to_zero_tends_to_the_plain_gradient()
    {
        var (network, x, y) = MethodCases.Tiny();
        using var _ = network;
        var batch = new MethodBatch(x, y, Eps: 0.05);
        var plain = PlainGradient(network, batch);
        double norm = Math.Sqrt(plain.Sum(g => (double)g * g));
        double previous = double.PositiveInfinity;
        foreach (double sigma in new[] { 1e-2, 1e-4, 1e-6 })
        {
            var smoothed = RgsGradient(network, batch, new RgsParameters(sigma, Samples: 4), 2);
            double error = Math.Sqrt(plain.Zip(smoothed).Sum(t => Math.Pow(t.First - t.Second, 2))) / norm;
            Assert.True(error <= previous + 1e-6, $"sigma {sigma}: relative error {error} grew from {previous}");
            previous = error;
        }
        Assert.True(previous < 1e-4, $"sigma 1e-6: relative error {previous}");
    }

    [Fact]
    public void Estimate_on_a_quadratic_matches_the_true_gradient_in_expectation()
    {
        // f(theta) = 1/2 sum a_i theta_i^2 + b . theta: grad f(theta + sigma e) = a (theta + sigma e) + b, whose mean is the
        // true gradient a theta + b; with k samples each component's error has deviation a_i sigma / sqrt(k).
        double[] a = [1, 2, 4], b = [0.5, -1, 0.25], theta0 = [0.3, -0.2, 0.1];
        const double sigma = 0.1;
        const int k = 4000;
        var theta = tensor(theta0).requires_grad_(true);
        using var at = tensor(a);
        using var bt = tensor(b);
        using var generator = new Generator(11);
        Rgs.Gradient([theta], new RgsParameters(sigma, k), generator, () =>
        {
            var f = 0.5 * (at * theta.square()).sum() + (bt * theta).sum();
            f.backward();
            return f.item<double>();
        });
        var g = theta.grad!.data<double>().ToArray();
        for (int i = 0; i < 3; i++)
            Assert.True(Math.Abs(g[i] - (a[i] * theta0[i] + b[i])) <= 4 * a[i] * sigma / Math.Sqrt(k), $"component {i}: {g[i]}");
        Assert.Equal(theta0, theta.data<double>().ToArray()); // the weights are put back exactly
    }

    [Fact]
    public void Weights_are_restored_bit_for_bit_and_bad_settings_are_errors()
    {
        var (network, x, y) = MethodCases.Tiny();
        using var _ = network;
        var before = MethodCases.Weights(network);
        RgsGradient(network, new MethodBatch(x, y, Eps: 0.05), new RgsParameters(0.05, 3), 3);
        Assert.Equal(before, MethodCases.Weights(network));
        Assert.Contains("--gls_samples", Assert.Throws<ParadoxException>(() => new RgsParameters(0.1, 0).Validate()).Message);
        Assert.Contains("certification only", Assert.Throws<ParadoxException>(() =>
            Rgs.Loss(network, new MethodBatch(x, y, 0.05), RelaxationCatalog.Create("milp"), new RgsParameters(), null)).Message);
    }
}
