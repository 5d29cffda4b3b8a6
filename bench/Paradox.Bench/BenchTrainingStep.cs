using Paradox.Networks;
using Paradox.Training;
using Paradox.Training.Methods;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>
/// One training step of `--method METHOD --train_domain DOMAIN` as the trainer takes it (the method's loss, its backward or
/// own gradient estimate, an Adam step at lr 5e-4; kappa 0, beta 1, one batch piece), shared by the method-step and memory
/// benchmarks so both measure the same step.
/// </summary>
sealed class BenchTrainingStep : IDisposable
{
    readonly Network network;
    readonly ITrainingMethod method;
    readonly BatchPieces pieces;
    readonly optim.Optimizer optimizer;
    readonly Generator generator = new(1);
    readonly ScheduleValues schedule;

    public BenchTrainingStep(Network network, string net, string dataset, string method, string domain, double eps)
    {
        this.network = network;
        network.SetRequiresGrad(true);
        var config = new TrainConfig
        {
            Net = net, Dataset = dataset, TrainDomain = domain, EpsTrain = eps,
            Method = method == "standard" ? null : method,
        };
        this.method = TrainingMethodCatalog.Create(config, generator);
        pieces = new BatchPieces(this.method, 1);
        optimizer = optim.Adam(network.Parameters(), 5e-4);
        schedule = new ScheduleValues(Eps: eps, Kappa: 0, Beta: 1, Lr: 5e-4);
    }

    /// <summary>One step on (x, y); the caller's dispose scope holds the step's tensors.</summary>
    public void Step(Tensor x, Tensor y)
    {
        optimizer.zero_grad();
        if (method is IGradientMethod own) own.Backward(network, x, y, schedule, 1, () => null);
        else pieces.Backward(network, x, y, schedule, () => null);
        optimizer.step();
    }

    public void Dispose()
    {
        (method as IDisposable)?.Dispose();
        optimizer.Dispose();
        generator.Dispose();
    }
}
