using Paradox.Relaxations;
using Paradox.Training.Methods;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Training.Methods;

public class PgpeTests
{
    static readonly double[] A = [1, 2, 4, 0.5, 3], B = [0.5, -1, 0.25, 0, 2], Theta0 = [0.3, -0.2, 0.1, 1, -0.5];

    static double Quadratic(Tensor theta)
    {
        using var at = tensor(A);
        using var bt = tensor(B);
        using var f = 0.5 * (at * theta.square()).sum() + (bt * theta).sum();
        return f.item<double>();
    }

    [Fact]
    public void Estimate_on_a_quadratic_matches_the_true_gradient_in_expectation()
    {
        // For a quadratic, (f(theta + e) - f(theta - e)) / 2 = e . g exactly, so the estimate is (1/N) sum e e^T g / sigma^2,
        // whose mean is g and whose component i has deviation sqrt((|g|^2 + g_i^2) / N): 4 deviations is the tolerance.
        const int population = 4000;
        var theta = tensor(Theta0).requires_grad_(true);
        using var state = new PgpeState([theta], 0.1);
        using var generator = new Generator(21);
        Pgpe.Gradient([theta], state, new PgpeParameters(population, 0.1, SigmaLearningRate: 0), generator, () => Quadratic(theta));
        var truth = A.Zip(B, Theta0).Select(t => t.First * t.Third + t.Second).ToArray();
        double norm2 = truth.Sum(g => g * g);
        var g = theta.grad!.data<double>().ToArray();
        for (int i = 0; i < truth.Length; i++)
        {
            double tolerance = 4 * Math.Sqrt((norm2 + truth[i] * truth[i]) / population);
            Assert.True(Math.Abs(g[i] - truth[i]) <= tolerance, $"component {i}: {g[i]} vs {truth[i]} (tolerance {tolerance})");
        }
        Assert.Equal(Theta0, theta.data<double>().ToArray());
        Assert.All(state.Sigma[0].data<double>().ToArray(), s => Assert.Equal(0.1, s)); // alpha_sigma 0: no adaptation
    }

    [Fact]
    public void Deviation_shrinks_where_noise_raises_the_loss_and_the_baseline_follows_the_mean()
    {
        // At the minimum of a convex quadratic every perturbation costs: Lbar - b grows with e^2, so sigma must shrink,
        // by at most MaxSigmaChange of itself per step.
        var theta = tensor(A.Zip(B).Select(t => -t.Second / t.First).ToArray()).requires_grad_(true);
        using var state = new PgpeState([theta], 0.5);
        using var generator = new Generator(22);
        var p = new PgpeParameters(Population: 64, SigmaInit: 0.5, SigmaLearningRate: 1, BaselineDecay: 0.5, MaxSigmaChange: 0.2);
        double first = Pgpe.Gradient([theta], state, p, generator, () => Quadratic(theta));
        Assert.Equal(first, state.Baseline); // the first step sets the baseline to its mean
        var sigma = state.Sigma[0].data<double>().ToArray();
        Assert.All(sigma, s => Assert.InRange(s, 0.5 * 0.8 - 1e-12, 0.5));
        Assert.True(sigma.Average() < 0.5);
        double second = Pgpe.Gradient([theta], state, p, generator, () => Quadratic(theta));
        Assert.Equal(0.5 * first + 0.5 * second, state.Baseline, 12);
    }

    [Fact]
    public void Trains_with_a_certification_only_relaxation_and_restores_the_weights()
    {
        var (network, x, y) = MethodCases.Tiny();
        using var _ = network;
        var before = MethodCases.Weights(network);
        using var state = new PgpeState(network.Parameters(), 0.01);
        using var generator = new Generator(23);
        var gradient = MethodCases.GradientOf(network, () =>
            Pgpe.Loss(network, new MethodBatch(x, y, Eps: 0.02), RelaxationCatalog.Create("triangle"), state,
                new PgpeParameters(Population: 2), generator));
        Assert.Equal(before, MethodCases.Weights(network));
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
        Assert.Contains(gradient, g => g != 0);
    }

    [Fact]
    public void State_round_trips_through_checkpoint_tensors()
    {
        var theta = tensor(Theta0).requires_grad_(true);
        using var state = new PgpeState([theta], 0.3);
        using var generator = new Generator(24);
        Pgpe.Gradient([theta], state, new PgpeParameters(8, 0.3), generator, () => Quadratic(theta));
        var saved = state.ToTensors().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var copy = new PgpeState([theta], 0.3);
        copy.Load(saved, "test");
        Assert.Equal(state.Sigma[0].data<double>().ToArray(), copy.Sigma[0].data<double>().ToArray());
        Assert.Equal(state.Baseline, copy.Baseline);
    }
}
