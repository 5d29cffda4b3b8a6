using System.CommandLine;

namespace Paradox.Cli;

/// <summary>The training device from the root `--device` (<see cref="Training.TrainDevice"/>): cert.py's default is cuda, train's auto.</summary>
public static class TrainDevice
{
    public const string CudaUnavailableNotice = Training.TrainDevice.CudaUnavailableNotice;

    public static (string Device, string? Notice) Resolve(ParseResult result, bool certCompat) =>
        Training.TrainDevice.Resolve(result.GetResult(Cli.Device) is { Implicit: false } ? result.GetValue(Cli.Device)! : certCompat ? "cuda" : "auto");
}
