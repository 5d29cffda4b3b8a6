using BenchmarkDotNet.Running;
using Paradox.Bench;

// Usage:
//   dotnet run -c Release --project bench/Paradox.Bench -- certify [--n 1000] [--domains box,hbox,...] [--nets FC,CONV]
//   dotnet run -c Release --project bench/Paradox.Bench -- train-step [--domains ...] [--nets FC,CONV]
//   dotnet run -c Release --project bench/Paradox.Bench -- forward
//   dotnet run -c Release --project bench/Paradox.Bench -- micro [BenchmarkDotNet args]
Paradox.TorchRuntime.PrepareProcess(); // before anything loads libtorch
var verb = args.FirstOrDefault() ?? "certify";
var rest = args.Skip(1).ToArray();
switch (verb)
{
    case "certify": return CertifyBench.RunAll(rest);
    case "certify-one": return CertifyBench.RunOne(rest);
    case "train-step": return TrainStepBench.RunAll(rest);
    case "train-step-one": return TrainStepBench.RunOne(rest);
    case "forward": return ForwardBench.Run();
    case "micro": BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(rest); return 0;
    default:
        Console.Error.WriteLine($"unknown benchmark '{verb}' (certify, train-step, forward, micro)");
        return 2;
}
