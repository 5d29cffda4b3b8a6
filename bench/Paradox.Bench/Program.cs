using BenchmarkDotNet.Running;
using Paradox.Bench;

// Usage (./bench.sh sets the process environment of the CLI and the tests first; `dotnet run` alone does not):
//   ./bench.sh certify [--n 1000] [--domains box,hbox,...] [--nets FC,CONV]
//   ./bench.sh train-step [--domains ...] [--nets FC,CONV] [--fresh [--eps 0.3]]
//   ./bench.sh profile NET DOMAIN [eps] [batch]   (fresh weights, MNIST)
//   ./bench.sh method-step [--methods sabr:box,rgs:crown-ibp,...] [--nets CONV]
//   ./bench.sh forward
//   ./bench.sh memory NET METHOD DOMAIN [steps] [batch] [eps] [trainer|collect|return|never] [--weights FILE]
//   ./bench.sh gemm [threads]                      (float32 matmul GFLOP/s at the engines' shapes)
//   ./bench.sh micro [BenchmarkDotNet args]
Paradox.TorchRuntime.PrepareProcess(); // before anything loads libtorch
if (Environment.GetEnvironmentVariable("PARADOX_PROCESS_ENV") is null)
    Console.Error.WriteLine("bench: started without build/process-env.sh (use ./bench.sh): its GC, malloc and OpenMP settings " +
        "differ from the CLI's and the tests', so these timings are not comparable with theirs");
var verb = args.FirstOrDefault() ?? "certify";
var rest = args.Skip(1).ToArray();
switch (verb)
{
    case "certify": return CertifyBench.RunAll(rest);
    case "certify-one": return CertifyBench.RunOne(rest);
    case "train-step": return TrainStepBench.RunAll(rest);
    case "train-step-one": return TrainStepBench.RunOne(rest);
    case "method-step": return MethodStepBench.RunAll(rest);
    case "method-step-one": return MethodStepBench.RunOne(rest);
    case "forward": return ForwardBench.Run();
    case "gemm": return GemmBench.Run(rest);
    case "memory": return MemoryBench.Run(rest);
    case "profile": return ProfileBench.Run(rest);
    case "micro": BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(rest); return 0;
    default:
        Console.Error.WriteLine($"unknown benchmark '{verb}' (certify, train-step, method-step, profile, forward, gemm, memory, micro)");
        return 2;
}
