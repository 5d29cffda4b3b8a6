using TorchSharp;

namespace Paradox.Training;

/// <summary>
/// The device of a training run: CUDA when it was asked for (or, for `cert`, by cert.py's default `cuda`) and is
/// available, otherwise the CPU with a notice; `auto` is CUDA only when available, silently.
/// </summary>
public static class TrainDevice
{
    public const string CudaUnavailableNotice = "notice: CUDA is not available; using the CPU";

    /// <returns>The device name and, when CUDA was asked for but is missing, the notice to print.</returns>
    public static (string Device, string? Notice) Resolve(string requested)
    {
        requested = requested.ToLowerInvariant();
        if (requested == "cpu") return ("cpu", null);
        bool available = torch.cuda.is_available();
        if (requested == "auto") return (available ? "cuda" : "cpu", null);
        if (requested == "cuda" || requested.StartsWith("cuda:", StringComparison.Ordinal))
            return available ? (requested, null) : ("cpu", CudaUnavailableNotice);
        throw new ParadoxException($"--device: unknown device '{requested}' (expected cpu, cuda, cuda:N or auto)");
    }
}
