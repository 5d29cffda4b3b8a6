using TorchSharp;
using static TorchSharp.torch;

namespace Paradox;

/// <summary>How oneDNN (mkldnn) is chosen: `PARADOX_ONEDNN=off` (default), `auto` or `on`.</summary>
public enum OneDnnMode { Off, Auto, On }

/// <summary>What the kernel self-check decided: oneDNN's state, the reports, and the refusal if kernels are wrong.</summary>
public sealed record KernelVerdict(OneDnnMode Mode, bool OneDnnEnabled, KernelCheckReport Report, KernelCheckReport? OneDnnReport,
    string? Refusal)
{
    public bool Sound => Refusal is null;
}

/// <summary>
/// The process-wide numeric configuration, in one place for the CLI, the tests (a module initializer) and the bench:
/// jemalloc or glibc malloc keeping freed memory, libgomp waits passively, NNPACK off, oneDNN off unless asked for and proven,
/// the thread count, and a kernel self-check that runs once before the first bound, attack or training step.
/// </summary>
public static class TorchRuntime
{
    public const string OneDnnVariable = "PARADOX_ONEDNN";

    static readonly object gate = new();
    static bool prepared, loaded;
    static int? pinnedThreads;
    static Lazy<KernelVerdict> verdict = new(DecideKernels);

    /// <summary>What was set before libtorch loaded, and what could not be (for `paradox doctor`).</summary>
    public static IReadOnlyList<string> ProcessNotes => processNotes;
    static readonly List<string> processNotes = [];

    /// <summary>
    /// The settings that must precede libtorch: malloc (mallopt) and libgomp's wait policy, which libgomp reads from the
    /// C environment once, when it loads. Called first by every entry point; later calls do nothing.
    /// </summary>
    public static void PrepareProcess()
    {
        lock (gate)
        {
            if (prepared) return;
            prepared = true;
            var gen0 = Environment.GetEnvironmentVariable("DOTNET_GCgen0size");
            processNotes.Add(gen0 is null
                ? "GC: DOTNET_GCgen0size unset: the runtime's small gen0 budget, so collections are frequent " +
                    "(see README, Numerical soundness)"
                : $"GC: DOTNET_GCgen0size={gen0} (fewer collections that could finalize a temporary libtorch still reads)");
            processNotes.Add(ConfigureMalloc());
            // Spin-waiting threads make small ops 40-60x slower on a busy 2-core machine.
            if (NativeRuntime.IsLoaded("libgomp"))
                processNotes.Add($"OpenMP: libgomp was loaded before the settings; OMP_WAIT_POLICY stays " +
                    $"'{NativeRuntime.NativeEnvironment("OMP_WAIT_POLICY") ?? "unset"}' (set it before the process starts)");
            else
            {
                NativeRuntime.SetDefaultEnvironment("OMP_WAIT_POLICY", "PASSIVE");
                processNotes.Add($"OpenMP: OMP_WAIT_POLICY={NativeRuntime.NativeEnvironment("OMP_WAIT_POLICY")} " +
                    "(set in-process before libgomp loaded; an OMP_WAIT_POLICY from the environment wins)");
            }
        }
    }

    /// <summary>
    /// jemalloc when build/process-env.sh preloaded it; otherwise glibc, told here (mallopt) to keep freed memory (as fast,
    /// but its heap grows step after step under large tensors of varying size). Returns the note that says which.
    /// </summary>
    static string ConfigureMalloc()
    {
        if (NativeRuntime.IsLoaded("libjemalloc"))
            return $"malloc: jemalloc (preloaded), MALLOC_CONF={NativeRuntime.NativeEnvironment("MALLOC_CONF") ?? "unset"}; " +
                "training and evaluation give its kept freed memory back when resident memory has doubled";
        return NativeRuntime.KeepFreedMemory()
            ? "malloc: glibc, mallopt M_MMAP_MAX=0, M_TRIM_THRESHOLD=2147483647 (freed memory is kept); its heap can grow by tens " +
                "of MiB per training step: start through ./paradox with libjemalloc2 installed (setup.sh)"
            : "malloc: mallopt not available (not glibc): freed memory goes back to the system";
    }

    /// <summary>Loads libtorch and applies the context settings (NNPACK off, oneDNN as configured).</summary>
    static void EnsureLoaded()
    {
        PrepareProcess();
        lock (gate)
        {
            if (loaded) return;
            loaded = true;
            _ = torch.zeros(1); // makes TorchSharp load libtorch before we call into its context
            NativeRuntime.DisableNnpack();
            NativeRuntime.SetOneDnn(OneDnnModeFromEnvironment() != OneDnnMode.Off);
        }
    }

    /// <summary>The CLI's and the bench's entry: settings, thread count, device and seed.</summary>
    public static Device Configure(int? threads, string device, long seed)
    {
        int n = threads ?? Environment.ProcessorCount;
        if (n < 1) throw new ParadoxException($"--threads: must be at least 1 (got {n})");
        EnsureLoaded();
        // A test process pins the count once, so in-process CLI tests cannot change it under other tests.
        torch.set_num_threads(pinnedThreads ?? n);
        torch.manual_seed(seed);
        return ParseDevice(device);
    }

    /// <summary>
    /// The test process's configuration: the CLI's with `--threads 2`, the count fixed for the whole run, so that results
    /// compared across processes (bit-identical resumes) and across machines use the same reduction order.
    /// </summary>
    public static void ConfigureTestProcess()
    {
        Configure(2, "cpu", 0);
        pinnedThreads = 2;
    }

    /// <summary>
    /// Stops with a one-line error when this machine's libtorch computes a kernel the engines rely on wrongly.
    /// Every bound, attack and training step calls it; the self-check runs on the first call only.
    /// </summary>
    public static void RequireSoundKernels()
    {
        var v = Kernels;
        if (v.Refusal is not null) throw new ParadoxException(v.Refusal);
    }

    /// <summary>The self-check's verdict (running it on first use).</summary>
    public static KernelVerdict Kernels
    {
        get
        {
            if (!verdict.IsValueCreated) EnsureLoaded();
            return verdict.Value;
        }
    }

    public static OneDnnMode OneDnnModeFromEnvironment() =>
        Environment.GetEnvironmentVariable(OneDnnVariable)?.Trim().ToLowerInvariant() switch
        {
            null or "" or "off" or "0" => OneDnnMode.Off,
            "auto" => OneDnnMode.Auto,
            "on" or "1" => OneDnnMode.On,
            var other => throw new ParadoxException($"{OneDnnVariable}: expected off, auto or on (got '{other}')"),
        };

    static KernelVerdict DecideKernels()
    {
        IKernelProbe probe = new LibTorchKernels();
        if (Environment.GetEnvironmentVariable(FaultyKernels.Variable) is { Length: > 0 } fault) probe = new FaultyKernels(probe, fault);
        var verdict = Decide(OneDnnModeFromEnvironment(), oneDnn =>
        {
            NativeRuntime.SetOneDnn(oneDnn);
            return KernelSelfCheck.Run(probe);
        });
        // About 110 MiB of managed garbage is alive here (the reference kernels' arrays, the data loading's), much of it on
        // the large-object heap, which only a full collection frees: it stayed resident through a short run (FC box, bench
        // train-step-one at eps 0.3: peak 489 MiB; 473 with this collection; 461 before the self-check existed). The check
        // runs once, on the first engine call, before that call's first libtorch operation.
        GC.Collect();
        return verdict;
    }

    /// <summary>
    /// Rounds of the self-check oneDNN must pass. Its errors on AMD Zen 5 are intermittent (in a fresh process the
    /// same calls were right in 4 of 6 runs and off by 0.9 in the others), so one passing round proves little; this
    /// is why the default is off.
    /// </summary>
    public const int OneDnnRounds = 5;

    /// <summary>
    /// The policy, apart from libtorch: off checks the kernels without oneDNN; auto and on run the check with oneDNN
    /// for up to <see cref="OneDnnRounds"/> rounds, stopping at the first wrong kernel; auto then falls back to off
    /// (and checks again), on keeps oneDNN. Wrong kernels in the final state refuse.
    /// </summary>
    public static KernelVerdict Decide(OneDnnMode mode, Func<bool, KernelCheckReport> checkWith)
    {
        if (mode == OneDnnMode.Off) return Finish(mode, false, checkWith(false), null);
        var withOneDnn = checkWith(true);
        for (int round = 1; withOneDnn.Passed && round < OneDnnRounds; round++) withOneDnn = checkWith(true);
        if (withOneDnn.Passed || mode == OneDnnMode.On) return Finish(mode, true, withOneDnn, withOneDnn);
        return Finish(mode, false, checkWith(false), withOneDnn);
    }

    static KernelVerdict Finish(OneDnnMode mode, bool oneDnn, KernelCheckReport report, KernelCheckReport? oneDnnReport)
    {
        var failure = report.FirstFailure;
        string? refusal = failure is null ? null
            : $"this machine's libtorch computes {failure.Kernel} wrongly (max error {failure.MaxError:G3} on {failure.Case}, " +
              $"allowed {failure.Tolerance:G3})" +
              $"{(oneDnn ? $" with oneDNN on ({OneDnnVariable}={mode.ToString().ToLowerInvariant()})" : "")}; bounds would be unsound";
        return new KernelVerdict(mode, oneDnn, report, oneDnnReport, refusal);
    }

    /// <summary>
    /// The one parser of `--device` names: cpu, cuda, cuda:N or auto, in any case, returned lower-cased; any other name is
    /// an error. What a missing CUDA means is the caller's: <see cref="ParseDevice"/> refuses it, a training run falls
    /// back to the CPU (<see cref="Training.TrainDevice"/>).
    /// </summary>
    public static string DeviceName(string device)
    {
        var name = device.ToLowerInvariant();
        if (name is "cpu" or "cuda" or "auto" || name.StartsWith("cuda:", StringComparison.Ordinal)) return name;
        throw new ParadoxException($"--device: unknown device '{device}' (expected cpu, cuda, cuda:N or auto)");
    }

    /// <summary>The device a name asks for (<see cref="DeviceName"/>); CUDA that this libtorch does not have is an error.</summary>
    public static Device ParseDevice(string device)
    {
        var name = DeviceName(device);
        if (name == "cpu") return CPU;
        bool available = torch.cuda.is_available();
        if (name == "auto") return available ? CUDA : CPU;
        if (!available)
            throw new ParadoxException(
                $"--device {name}: no CUDA device is available to this libtorch (the CPU build is installed); use --device cpu");
        return name == "cuda" ? CUDA : torch.device(name);
    }

    /// <summary>oneDNN as libtorch reports it now (null when the symbol is missing).</summary>
    public static bool? OneDnnEnabled => NativeRuntime.OneDnnEnabled();

    /// <summary>libtorch's build configuration text (`at::show_config()`).</summary>
    public static string? BuildConfiguration => NativeRuntime.TorchConfiguration();
}
