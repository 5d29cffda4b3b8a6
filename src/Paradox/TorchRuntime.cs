using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox;

/// <summary>
/// Process-wide libtorch settings: thread count, device, seed, and NNPACK off (it cannot initialise on
/// these CPUs and prints a warning on every convolution otherwise).
/// </summary>
public static class TorchRuntime
{
    static bool nnpackDisabled;

    public static Device Configure(int? threads, string device, long seed)
    {
        int n = threads ?? Environment.ProcessorCount;
        if (n < 1) throw new ParadoxException($"--threads: must be at least 1 (got {n})");
        torch.set_num_threads(n);
        DisableNnpack();
        torch.manual_seed(seed);
        return ParseDevice(device);
    }

    public static Device ParseDevice(string device)
    {
        switch (device.ToLowerInvariant())
        {
            case "cpu": return CPU;
            case "cuda":
                if (!torch.cuda.is_available())
                    throw new ParadoxException("--device cuda: no CUDA device is available to this libtorch (the CPU build is installed); use --device cpu");
                return CUDA;
            case "auto": return torch.cuda.is_available() ? CUDA : CPU;
            default:
                if (device.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase) && torch.cuda.is_available()) return torch.device(device);
                throw new ParadoxException($"--device: unknown or unavailable device '{device}' (expected cpu or cuda)");
        }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    static void DisableNnpack()
    {
        if (nnpackDisabled) return;
        nnpackDisabled = true;
        try
        {
            _ = torch.zeros(1); // makes TorchSharp load libtorch before we call into it
            SetUserEnabledNnpack(GlobalContext(), false);
            // oneDNN computes stride-1 conv_transpose2d and conv2d input gradients wrongly on AMD Zen 5.
            SetUserEnabledMkldnn(GlobalContext(), false);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libtorch build without these symbols only costs a warning line per convolution.
        }
    }
}
