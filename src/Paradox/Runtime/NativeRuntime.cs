using System.Runtime.InteropServices;

namespace Paradox;

/// <summary>The native calls behind the process-wide settings: glibc's malloc and environment, libtorch's context.</summary>
static class NativeRuntime
{
    const int MTrimThreshold = -1, MMmapMax = -4;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    static extern IntPtr GetEnv(string name);

    /// <summary>
    /// Keeps freed memory instead of returning it to the kernel (the tight engines allocate and free gigabytes per
    /// step; re-faulting them costs 2-5x): no mmap'ed chunks, and trimming only above 2 GiB of free heap top.
    /// </summary>
    public static bool KeepFreedMemory() =>
        OperatingSystem.IsLinux() && Mallopt(MMmapMax, 0) == 1 && Mallopt(MTrimThreshold, int.MaxValue) == 1;

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    /// <summary>`mallctl` of the preloaded jemalloc, or IntPtr.Zero when jemalloc is not loaded.</summary>
    static readonly Lazy<IntPtr> Mallctl = new(() =>
        IsLoaded("libjemalloc") && NativeLibrary.TryLoad("libjemalloc.so.2", out var lib)
            && NativeLibrary.TryGetExport(lib, "mallctl", out var f) ? f : IntPtr.Zero);

    /// <summary>
    /// Gives the pages of freed memory back to the kernel now: jemalloc purges every arena (`arena.4096.purge`; with decay
    /// off it never does so by itself), glibc trims its heap (`malloc_trim`). Kept freed memory makes the next steps fast,
    /// but its extents fit only requests of their sizes: as eps ramps, tensor sizes change step after step and the kept
    /// memory grows (an RGS + CROWN run: 2.5 -> 7.5 GiB in 6 minutes, nearly all in jemalloc's arena for large requests).
    /// Returns what was done, or null when neither allocator is there.
    /// </summary>
    public static unsafe string? ReturnFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return null;
        if (Mallctl.Value != IntPtr.Zero)
        {
            var purge = (delegate* unmanaged<byte*, void*, nuint*, void*, nuint, int>)Mallctl.Value;
            fixed (byte* name = "arena.4096.purge\0"u8)
                return purge(name, null, null, null, 0) == 0 ? "jemalloc: arenas purged" : null;
        }
        try { return MallocTrim(0) >= 0 ? "glibc: heap trimmed" : null; }
        catch (EntryPointNotFoundException) { return null; }
    }

    /// <summary>Resident memory of this process (VmRSS), in MiB; NaN where /proc is missing.</summary>
    public static double ResidentMiB() => StatusMiB("VmRSS:");

    /// <summary>Peak resident memory of this process (VmHWM), in MiB; NaN where /proc is missing.</summary>
    public static double PeakResidentMiB() => StatusMiB("VmHWM:");

    static double StatusMiB(string key)
    {
        if (!File.Exists("/proc/self/status")) return double.NaN;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }

    /// <summary>Sets a variable in the C environment (what libgomp reads when it loads), unless already set.</summary>
    public static void SetDefaultEnvironment(string name, string value)
    {
        if (OperatingSystem.IsLinux()) SetEnv(name, value, overwrite: 0);
    }

    /// <summary>A variable as native code sees it (.NET's own copy of the environment does not follow setenv).</summary>
    public static string? NativeEnvironment(string name) =>
        OperatingSystem.IsLinux() ? Marshal.PtrToStringUTF8(GetEnv(name)) : Environment.GetEnvironmentVariable(name);

    /// <summary>Whether a shared library whose file name contains <paramref name="fragment"/> is mapped already.</summary>
    public static bool IsLoaded(string fragment) =>
        File.Exists("/proc/self/maps") && File.ReadLines("/proc/self/maps").Any(l => l.Contains(fragment, StringComparison.Ordinal));

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool UserEnabledMkldnn(IntPtr context);

    /// <summary>`at::show_config()`: returns a std::string through a hidden pointer (x86-64 System V).</summary>
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at11show_configB5cxx11Ev")]
    static extern void ShowConfig(IntPtr result);

    /// <summary>NNPACK off: it cannot initialise on these CPUs and prints a warning on every convolution otherwise.</summary>
    public static bool DisableNnpack() => TryContext(c => SetUserEnabledNnpack(c, false));

    public static bool SetOneDnn(bool enabled) => TryContext(c => SetUserEnabledMkldnn(c, enabled));

    public static bool? OneDnnEnabled()
    {
        bool? result = null;
        TryContext(c => result = UserEnabledMkldnn(c));
        return result;
    }

    /// <summary>libtorch's build configuration (version, BLAS, CPU capability), or null if the symbol is missing.</summary>
    public static string? TorchConfiguration()
    {
        if (!OperatingSystem.IsLinux()) return null;
        IntPtr buffer = Marshal.AllocHGlobal(64);
        try
        {
            ShowConfig(buffer);
            // libstdc++'s std::string: data pointer, then length (the string itself is left to the process).
            var data = Marshal.ReadIntPtr(buffer);
            long length = Marshal.ReadInt64(buffer, IntPtr.Size);
            return Marshal.PtrToStringUTF8(data, (int)length);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    static bool TryContext(Action<IntPtr> call)
    {
        try
        {
            call(GlobalContext());
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // another libtorch build: the setting stays at libtorch's default
        }
    }
}
