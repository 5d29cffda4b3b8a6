using System.Globalization;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Training;
using Paradox.Training.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>
/// Resident memory, the managed heap and live tensors over many training steps (fresh weights, MNIST, eps 0.3 unless
/// given, kappa 0): a run whose memory grows step after step is killed by the kernel hours later.
/// `memory NET METHOD DOMAIN [steps] [batch] [eps] [trainer|collect|never]`.
/// </summary>
static class MemoryBench
{
    public static int Run(string[] args)
    {
        BenchSupport.Configure();
        string net = args[0], method = args[1], domain = args[2];
        int steps = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 30;
        int batch = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 50;
        double eps = args.Length > 5 ? double.Parse(args[5], CultureInfo.InvariantCulture) : 0.3;
        // As the trainer collects (StepCollector.DefaultInterval); `collect`: after every step; `never`: only when the GC
        // decides (native memory that finalizers free then piles up).
        string mode = args.Length > 6 ? args[6] : "trainer";
        StepCollector? collector = mode switch
        {
            "collect" => new StepCollector(TimeSpan.Zero),
            "never" => null,
            _ => new StepCollector(StepCollector.DefaultInterval),
        };
        using var network = Architectures.Build(net, DatasetInfo.Mnist, true, InitMethod.Default, new Generator(0));
        network.SetRequiresGrad(true);
        using var data = DatasetCatalog.Load(DatasetInfo.Mnist, train: true);
        var config = new TrainConfig
        {
            Net = net, Dataset = "mnist", TrainDomain = domain, EpsTrain = eps, Method = method == "standard" ? null : method
        };
        using var generator = new Generator(1);
        var trainingMethod = TrainingMethodCatalog.Create(config, generator);
        var pieces = new BatchPieces(trainingMethod, 1);
        using var optimizer = optim.Adam(network.Parameters(), 5e-4);
        var schedule = new ScheduleValues(Eps: eps, Kappa: 0, Beta: 1, Lr: 5e-4);
        Console.WriteLine("step  rss MiB  managed MiB  live tensors");
        for (int step = 0; step < steps; step++)
        {
            using (var scope = NewDisposeScope())
            {
                var x = data.Images.narrow(0, step * batch, batch);
                var y = data.Labels.narrow(0, step * batch, batch);
                optimizer.zero_grad();
                if (trainingMethod is IGradientMethod own) own.Backward(network, x, y, schedule, 1, () => null);
                else pieces.Backward(network, x, y, schedule, () => null);
                optimizer.step();
            }
            collector?.CollectWhenDue();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{step,4}  {BenchSupport.ResidentMemoryMiB(),7:0}  {GC.GetTotalMemory(false) / 1048576.0,11:0.0}  " +
                $"{DisposeScopeManager.Statistics.ThreadTotalLiveCount,12}"));
        }
        (trainingMethod as IDisposable)?.Dispose();
        return 0;
    }
}
