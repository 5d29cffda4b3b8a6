using Paradox.Attacks;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Training;
using Paradox.Training.Methods;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Attacks;

/// <summary>The training form of PGD (the original's attack_pgd): last iterate for every sample, inside the ball.</summary>
public sealed class PgdTrainingPointsTests
{
    static Network RandomNetwork()
    {
        using var generator = new Generator(5);
        return Architectures.Build("fc1", DatasetInfo.Mnist, generator: generator);
    }

    static (Tensor X, Tensor Y) Batch()
    {
        using var generator = new Generator(11);
        return (rand([16, 1, 28, 28], generator: generator), randint(0, 10, [16], generator: generator));
    }

    [Fact]
    public void Points_are_the_last_iterate_inside_the_ball_even_for_unbroken_samples()
    {
        using var scope = NewDisposeScope();
        using var network = RandomNetwork();
        var (x, _) = Batch();
        Tensor y;
        using (no_grad()) y = network.Forward(x).argmax(1);   // every sample starts correctly classified
        const double eps = 0.02;
        using var points = Pgd.TrainingPoints(network, x, y, eps, steps: 5, stepSize: 0.01, new Generator(3));
        Assert.True((points - x).abs().le(eps + 1e-6).all().item<bool>(), "a training point leaves the eps-ball");
        Assert.True(points.ge(0).all().item<bool>() && points.le(1).all().item<bool>(), "a training point leaves [0,1]");
        using var attack = Pgd.Attack(network, x, y, tensor(eps), new PgdOptions(5, 0.01), new Generator(3));
        var unbroken = attack.Broken.logical_not();
        Assert.True(unbroken.any().item<bool>(), "the case needs samples the attack does not break");
        // The evaluation attack returns the clean input for those; the training form never does.
        var moved = (points - x).abs().flatten(1).amax(1).gt(0);
        Assert.True(moved.logical_or(attack.Broken).all().item<bool>(), "an unbroken sample trains on its clean input");
    }

    [Fact]
    public void One_step_is_the_signed_gradient_step_from_the_uniform_start()
    {
        using var scope = NewDisposeScope();
        using var network = RandomNetwork();
        var (x, y) = Batch();
        const double eps = 0.05, step = 0.01;
        using var points = Pgd.TrainingPoints(network, x, y, eps, steps: 1, stepSize: step, new Generator(7));
        var start = (x + (rand(x.shape, generator: new Generator(7)) * 2 - 1) * eps).detach().requires_grad_(true);
        var grad = autograd.grad([nn.functional.cross_entropy(network.Forward(start), y)], [start])[0];
        using var region = InputRegion.Ball(x, eps);
        var expected = region.Project(start.detach() + step * grad.sign());
        Assert.True(allclose(points, expected, 0, 1e-7));
    }

    [Fact]
    public void Pgd_training_loss_is_the_cross_entropy_at_the_points_without_kappa()
    {
        using var scope = NewDisposeScope();
        using var network = RandomNetwork();
        var (x, y) = Batch();
        var method = new PgdTraining(new PgdTraining.Parameters(3, 0.01), new Generator(4));
        var parts = method.Loss(network, x, y, new ScheduleValues([new("eps", 0.03)], 1e-3));
        using var points = Pgd.TrainingPoints(network, x, y, 0.03, 3, 0.01, new Generator(4));
        double expected = nn.functional.cross_entropy(network.Forward(points), y).item<float>();
        Assert.Equal(expected, parts.Total.item<float>(), 6);
        var config = new TrainConfig { Mode = TrainMode.TrainPgd, EpsTrain = 0.1 };
        Assert.Equal(["eps"], TrainingMethodCatalog.Coefficients(config).Select(c => c.Name));
        Assert.Equal("epoch,eps,lr,loss,train_accuracy,train_certified_accuracy,seconds,train_certified_loss",
            RunDirectory.MetricsHeader(config));
    }
}
