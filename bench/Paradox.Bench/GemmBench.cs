using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Bench;

/// <summary>
/// float32 matrix-product throughput of this libtorch on this machine, at the shapes the engines multiply (FC deeppoly's
/// coefficient rows through the 400 x 784 layer, a square product): the ceiling for steps that are product-bound.
/// </summary>
static class GemmBench
{
    public static int Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0]) : Environment.ProcessorCount;
        TorchRuntime.Configure(threads, "cpu", 0);
        Console.WriteLine($"threads {threads}");
        foreach (var (m, k, n) in new[] { (40900L, 400L, 784L), (40900L, 784L, 400L), (20000L, 200L, 400L), (2048L, 2048L, 2048L) })
        {
            using var scope = NewDisposeScope();
            var a = randn(m, k);
            var b = randn(k, n);
            for (int w = 0; w < 2; w++) matmul(a, b).Dispose();
            const int reps = 5;
            var clock = Stopwatch.StartNew();
            for (int r = 0; r < reps; r++) matmul(a, b).Dispose();
            double s = clock.Elapsed.TotalSeconds / reps;
            Console.WriteLine($"[{m} x {k}] x [{k} x {n}]: {s * 1000:F1} ms, {2.0 * m * k * n / s / 1e9:F1} GFLOP/s");
        }
        return 0;
    }
}
