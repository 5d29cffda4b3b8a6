using System.CommandLine;
using Paradox.Data;
using Paradox.Networks;
using Spectre.Console;
using TorchSharp;

namespace Paradox.Cli;

/// <summary>Shared pieces of every command: option factory, global options, model loading, error handling.</summary>
public static class Cli
{
    /// <summary>
    /// An option spelled `--name` as given (the paper's underscore names) that also answers to the kebab-case
    /// spelling, so `--batch_size` and `--batch-size` are the same flag.
    /// </summary>
    public static Option<T> Option<T>(string name, string description, T? defaultValue = default, bool hasDefault = false)
    {
        var primary = "--" + name;
        var kebab = "--" + name.Replace('_', '-');
        var underscore = "--" + name.Replace('-', '_');
        var option = new Option<T>(primary) { Description = description };
        foreach (var alias in new[] { kebab, underscore }.Distinct())
            if (alias != primary) option.Aliases.Add(alias);
        if (hasDefault) option.DefaultValueFactory = _ => defaultValue!;
        return option;
    }

    public static Option<T> Option<T>(string name, string description, T defaultValue) =>
        Option(name, description, defaultValue, hasDefault: true);

    public static readonly Option<long> Seed =
        Global(Option("seed", "Random seed; the same seed and thread count give bit-identical results", 0L));
    public static readonly Option<int?> Threads = Global(Option<int?>("threads", "Threads libtorch may use (default: all cores)"));
    public static readonly Option<string> Device = Global(Option("device", "cpu, cuda, or auto (cuda when available)", "cpu"));

    static Option<T> Global<T>(Option<T> option)
    {
        option.Recursive = true;
        return option;
    }

    /// <summary>
    /// Runs a command body: the <paramref name="outputs"/> (options naming files or directories the command writes)
    /// are checked first, before any work (<see cref="OutputPath.Check(ParseResult, IEnumerable{Option})"/>); a
    /// <see cref="ParadoxException"/> becomes one line on stderr and exit code 2.
    /// </summary>
    public static void SetBody(this Command command, Func<ParseResult, int> body, params Option[] outputs)
    {
        command.SetAction(result =>
        {
            try
            {
                OutputPath.Check(result, outputs);
                return body(result);
            }
            catch (ParadoxException e)
            {
                Console.Out.Flush();
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
    }

    public static torch.Device ConfigureRuntime(ParseResult result) =>
        TorchRuntime.Configure(result.GetValue(Threads), result.GetValue(Device)!, result.GetValue(Seed));

    public static torch.Generator Generator(ParseResult result) => new torch.Generator((ulong)result.GetValue(Seed));
}
