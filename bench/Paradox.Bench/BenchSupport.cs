using Paradox;
using Paradox.Data;
using Paradox.IO;
using Paradox.Networks;

namespace Paradox.Bench;

static class BenchSupport
{
    public static string RepoRoot() =>
        RepositoryRoot.Find() ?? throw new InvalidOperationException("Paradox.sln not found above the benchmark binary");

    public static string Model(string file) => Path.Combine(RepoRoot(), "..", "shared", "models", file);

    public static Network LoadPaperModel(string net, DatasetInfo dataset)
    {
        var prefix = dataset == DatasetInfo.Mnist ? "mnist" : "fashionmnist";
        return ModelFile.Load(Model($"{prefix}_{net}_box.pt"), new ModelFile.Hints(net, dataset, true));
    }

    /// <summary>Peak resident memory of this process (VmHWM), in MiB.</summary>
    public static double PeakMemoryMiB() => NativeRuntime.PeakResidentMiB();

    /// <summary>Resident memory of this process now (VmRSS), in MiB.</summary>
    public static double ResidentMemoryMiB() => NativeRuntime.ResidentMiB();

    public static void Configure() => TorchRuntime.Configure(null, "cpu", 0);
}
