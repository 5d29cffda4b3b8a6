using System.CommandLine;
using Paradox.Training;

namespace Paradox.Cli;

/// <summary>
/// The options of `paradox train` and `paradox cert`, built from the cert.py option table (<see cref="TrainSettings"/>):
/// one option per setting under cert.py's name (each also answers to its kebab-case spelling), plus the native
/// `--resume` and `--dry_run`. Seed, threads and device are the root's. The values given go to
/// <see cref="TrainSettings.Resolve"/> as they would from a line of the paper's scripts.
/// </summary>
public sealed class TrainOptions
{
    readonly List<(TrainSetting Setting, Option Option)> options = [];

    public readonly Option<string?> Resume = Cli.Option<string?>("resume",
        "Continue the run in this run directory from its last checkpoint");
    public readonly Option<bool> DryRun = Cli.Option<bool>("dry_run",
        "Print the resolved configuration as JSON and exit without touching any file");

    public TrainOptions()
    {
        foreach (var setting in TrainSettings.All.Where(s => !s.Global))
            options.Add((setting, Create(setting)));
    }

    static Option Create(TrainSetting setting)
    {
        switch (setting.Kind)
        {
            case SettingKind.Switch:
                return Cli.Option<bool>(setting.Name, setting.Description);
            case SettingKind.List:
                return ListOptions.Create(setting.Name, setting.Description);
            default:
                var option = Cli.Option<string?>(setting.Name, setting.Description);
                if (!setting.RequiredByCert && setting.DefaultText is { } text)
                    option.DefaultValueFactory = _ => text;   // shown by --help, never read
                return option;
        }
    }

    public void AddTo(Command command)
    {
        foreach (var (_, option) in options) command.Options.Add(option);
        command.Options.Add(Resume);
        command.Options.Add(DryRun);
    }

    /// <summary>The flags given on the command line (root seed, threads and device included), with their values.</summary>
    public List<(string Flag, string[] Values)> Given(ParseResult result)
    {
        var given = new List<(string Flag, string[] Values)>();
        foreach (var (setting, option) in options)
        {
            if (result.GetResult(option) is not { Implicit: false }) continue;
            given.Add((setting.Flag, option switch
            {
                Option<bool> flag => [result.GetValue(flag) ? "true" : "false"],
                Option<string[]> list => result.GetValue(list) ?? [],
                Option<string?> value => [result.GetValue(value)!],
                _ => throw new InvalidOperationException(option.Name),
            }));
        }
        if (result.GetResult(Cli.Seed) is { Implicit: false })
            given.Add(("--seed", [result.GetValue(Cli.Seed).ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        if (result.GetValue(Cli.Threads) is { } threads)
            given.Add(("--threads", [threads.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        if (result.GetResult(Cli.Device) is { Implicit: false }) given.Add(("--device", [result.GetValue(Cli.Device)!]));
        return given;
    }

    /// <summary>
    /// The resolved, validated configuration (<see cref="TrainSettings.Resolve"/>). Notices (CUDA missing, ignored
    /// cert.py flags) go to stderr once the configuration is valid.
    /// </summary>
    public TrainConfig Read(ParseResult result, bool certCompat)
    {
        var (config, notices) = TrainSettings.Resolve(Given(result), certCompat);
        foreach (var notice in notices) Console.Error.WriteLine(notice);
        return config;
    }
}
