using System.Text.RegularExpressions;

namespace Paradox;

/// <summary>What `paradox doctor` reports about the machine and libtorch, read from /proc and `at::show_config()`.</summary>
public sealed record MachineReport(string Cpu, string IsaFlags, string TorchVersion, string CpuCapability, string Blas, int Cores)
{
    static readonly string[] InterestingFlags =
        ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_vp2intersect", "amx_tile"];

    public static MachineReport Read()
    {
        var cpuinfo = File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : [];
        string Field(string name) =>
            cpuinfo.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var flags = Field("flags").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var cpu = $"{Field("model name")} (vendor {Field("vendor_id")}, family {Field("cpu family")}, model {Field("model")})";
        var config = TorchRuntime.BuildConfiguration ?? "";
        string Match(string pattern) => Regex.Match(config, pattern) is { Success: true } m ? m.Groups[1].Value.Trim() : "unknown";
        return new MachineReport(cpu, string.Join(' ', InterestingFlags.Where(flags.Contains)),
            Match(@"TORCH_VERSION=([^,\n]+)"), Match(@"CPU capability usage: ([^\n]+)"), Match(@"BLAS_INFO=([^,\n]+)"),
            Environment.ProcessorCount);
    }
}
