using System.CommandLine;
using Paradox.IO;

namespace Paradox.Cli;

/// <summary>
/// The outputs of a command, checked before any work (<see cref="OutputCheck"/>): <see cref="Cli.SetBody"/> runs
/// <see cref="Check"/> on the output options a command declares, so every command that writes files fails first.
/// </summary>
public static class OutputPath
{
    /// <summary>Checks the file options (`--json`, `--png`, `--csv`) and directory options (`--out`, `--main_dir`) given.</summary>
    public static void Check(ParseResult result, IEnumerable<Option> outputs)
    {
        foreach (var option in outputs)
        {
            if (result.GetResult(option) is null) continue;
            var path = option is Option<string?> file
                ? result.GetValue(file)
                : option is Option<string> named ? result.GetValue(named) : null;
            if (IsDirectoryOption(option)) OutputCheck.Directory(path, option.Name);
            else OutputCheck.File(path, option.Name);
        }
    }

    /// <summary>Options that name a directory the command fills (`--out`, `--main_dir`), not one file.</summary>
    public static bool IsDirectoryOption(Option option) => option.Name is "--out" or "--main_dir" or "--main-dir";

    /// <summary>One output file (for paths not given by an option, e.g. derived ones).</summary>
    public static void Check(string? path, string flag) => OutputCheck.File(path, flag);
}
