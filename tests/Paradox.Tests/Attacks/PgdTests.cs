using Paradox.Attacks;
using Paradox.Data;
using Paradox.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Attacks;

public class PgdTests
{
    const double Tolerance = 1e-6;
    const int Batch = 24;
    static readonly PgdOptions ShortAttack = new(Steps: 10, StepSize: 0.05);

    static Network RandomNetwork(string name)
    {
        using var generator = new Generator(5);
        return Architectures.Build(name, DatasetInfo.Mnist, generator: generator);
    }

    static Tensor RandomImages(int count, ulong seed)
    {
        using var generator = new Generator(seed);
        return rand([count, 1, 28, 28], generator: generator);
    }

    static Tensor Predictions(Network network, Tensor x)
    {
        using var _ = no_grad();
        using var logits = network.Forward(x);
        return logits.argmax(1);
    }

    static Pgd.Result Attack(Network network, Tensor x, Tensor y, Tensor eps, PgdOptions options, ulong seed = 9)
    {
        using var generator = new Generator(seed);
        return Pgd.Attack(network, x, y, eps, options, generator);
    }

    /// <summary>Every adversarial example lies in the eps-ball around its input intersected with [0,1].</summary>
    static void AssertInsideBall(Tensor adversarial, Tensor x, Tensor eps)
    {
        var e = eps.dim() == 0 ? eps : eps.reshape(-1, 1, 1, 1);
        Assert.True((adversarial - x).abs().le(e + Tolerance).all().item<bool>(), "an adversarial example leaves the eps-ball");
        Assert.True(adversarial.ge(-Tolerance).all().item<bool>() && adversarial.le(1 + Tolerance).all().item<bool>(),
            "an adversarial example leaves [0,1]");
    }

    /// <summary>Every sample reported broken has an adversarial example the network misclassifies.</summary>
    static void AssertBrokenAreMisclassified(Network network, Pgd.Result result, Tensor y)
    {
        using var predicted = Predictions(network, result.Adversarial);
        Assert.True(predicted.ne(y).logical_or(result.Broken.logical_not()).all().item<bool>(),
            "a sample reported broken is classified correctly");
    }

    [Theory]
    [InlineData("fc1", 0.0)]
    [InlineData("fc1", 0.05)]
    [InlineData("fc1", 0.3)]
    [InlineData("CONV", 0.0)]
    [InlineData("CONV", 0.05)]
    [InlineData("CONV", 0.3)]
    public void Adversarial_examples_stay_in_the_ball_and_really_are_misclassified(string net, double epsValue)
    {
        using var network = RandomNetwork(net);
        using var scope = NewDisposeScope();
        var x = RandomImages(Batch, 1);
        var y = Predictions(network, x); // every sample starts correctly classified
        var eps = tensor(epsValue, float32);
        using var result = Attack(network, x, y, eps, ShortAttack);

        AssertInsideBall(result.Adversarial, x, eps);
        AssertBrokenAreMisclassified(network, result, y);
        if (epsValue >= 0.3) Assert.True(result.Broken.any().item<bool>(), "the test is vacuous: PGD broke nothing");
    }

    [Theory]
    [InlineData("fc1")]
    [InlineData("CONV")]
    public void Per_sample_eps_bounds_each_sample_by_its_own_radius(string net)
    {
        using var network = RandomNetwork(net);
        using var scope = NewDisposeScope();
        var x = RandomImages(Batch, 2);
        var y = Predictions(network, x);
        var eps = tensor(Enumerable.Range(0, Batch).Select(i => new[] { 0f, 0.01f, 0.1f, 0.4f }[i % 4]).ToArray());
        using var result = Attack(network, x, y, eps, ShortAttack);

        AssertInsideBall(result.Adversarial, x, eps);
        AssertBrokenAreMisclassified(network, result, y);
        Assert.False(result.Broken.index_select(0, arange(0, Batch, 4)).any().item<bool>(), "a sample with eps 0 was broken");
    }

    [Fact]
    public void Per_sample_eps_in_double_precision_is_accepted()
    {
        using var network = RandomNetwork("fc1");
        using var scope = NewDisposeScope();
        var x = RandomImages(4, 3);
        var y = Predictions(network, x);
        var eps = tensor(new[] { 0.0, 0.1, 0.2, 0.3 });
        using var result = Attack(network, x, y, eps, ShortAttack);
        Assert.Equal(x.dtype, result.Adversarial.dtype);
        AssertInsideBall(result.Adversarial, x, eps);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Negative_or_nan_eps_is_rejected(double bad)
    {
        using var network = RandomNetwork("fc1");
        using var scope = NewDisposeScope();
        var x = RandomImages(4, 3);
        var y = Predictions(network, x);
        Assert.Throws<ParadoxException>(() => Attack(network, x, y, tensor(bad), ShortAttack));
        Assert.Throws<ParadoxException>(() => Attack(network, x, y, tensor(new[] { 0.1, bad, 0.1, 0.1 }), ShortAttack));
    }

    [Theory]
    [InlineData("fc1")]
    [InlineData("CONV")]
    public void With_eps_zero_broken_is_exactly_natural_misclassification(string net)
    {
        using var network = RandomNetwork(net);
        using var scope = NewDisposeScope();
        var x = RandomImages(Batch, 3);
        var y = arange(Batch) % 10; // arbitrary labels: some right, most wrong
        using var result = Attack(network, x, y, tensor(0f), ShortAttack);

        var misclassified = Predictions(network, x).ne(y);
        Assert.True(result.Broken.eq(misclassified).all().item<bool>());
        Assert.True(result.Adversarial.eq(x).all().item<bool>());
    }

    [Theory]
    [InlineData("fc1")]
    [InlineData("CONV")]
    public void Same_generator_seed_reproduces_the_attack(string net)
    {
        using var network = RandomNetwork(net);
        using var scope = NewDisposeScope();
        var x = RandomImages(Batch, 4);
        var y = Predictions(network, x);
        var eps = tensor(0.2f);
        var options = new PgdOptions(Steps: 5, StepSize: 0.05, Restarts: 2);
        using var first = Attack(network, x, y, eps, options, seed: 21);
        using var second = Attack(network, x, y, eps, options, seed: 21);
        Assert.True(first.Adversarial.eq(second.Adversarial).all().item<bool>());
        Assert.True(first.Broken.eq(second.Broken).all().item<bool>());
    }

    [Theory]
    [InlineData(-1, 0.01, 1, "--pgd_steps")]
    [InlineData(10, -0.01, 1, "--pgd_step_size")]
    [InlineData(10, double.NaN, 1, "--pgd_step_size")]
    [InlineData(10, 0.01, 0, "--pgd_restarts")]
    public void Invalid_options_name_their_flag(int steps, double stepSize, int restarts, string flag)
    {
        var e = Assert.Throws<ParadoxException>(() => new PgdOptions(steps, stepSize, restarts).Validate());
        Assert.StartsWith(flag, e.Message);
    }
}
