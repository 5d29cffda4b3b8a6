using System.Text.Json;

namespace Paradox.Training;

/// <summary>The `--mode` names of cert.py (`train-provable`, ...) for <see cref="TrainMode"/>.</summary>
public static class TrainModes
{
    public static string Name(this TrainMode mode) => JsonNamingPolicy.KebabCaseLower.ConvertName(mode.ToString());

    public static TrainMode Parse(string name)
    {
        foreach (var mode in Enum.GetValues<TrainMode>())
            if (mode.Name() == name.ToLowerInvariant()) return mode;
        throw new ParadoxException(
            $"--mode: unknown mode '{name}' (expected {string.Join(", ", Enum.GetValues<TrainMode>().Select(Name))})");
    }
}
