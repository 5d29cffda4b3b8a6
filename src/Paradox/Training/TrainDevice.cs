using TorchSharp;

namespace Paradox.Training;

/// <summary>
/// The device of a training run: CUDA when it was asked for (or, for `cert`, by cert.py's default `cuda`) and is
/// available, otherwise the CPU with a notice; `auto` is CUDA only when available, silently.
/// </summary>
public static class TrainDevice
{
    public const string CudaUnavailableNotice = "notice: CUDA is not available; using the CPU";

    /// <param name="requested">The `--device` given (parsed by <see cref="TorchRuntime.DeviceName"/>), or null when
    /// none was: then cert.py's default cuda for `cert`, auto for `train`.</param>
    /// <returns>The device name and, when CUDA was asked for but is missing, the notice to print.</returns>
    public static (string Device, string? Notice) Resolve(string? requested, bool certCompat)
    {
        var name = TorchRuntime.DeviceName(requested ?? (certCompat ? "cuda" : "auto"));
        if (name == "cpu") return ("cpu", null);
        bool available = torch.cuda.is_available();
        if (name == "auto") return (available ? "cuda" : "cpu", null);
        return available ? (name, null) : ("cpu", CudaUnavailableNotice);
    }
}
