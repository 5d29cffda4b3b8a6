using System.CommandLine;
using System.Globalization;

namespace Paradox.Cli;

/// <summary>Options that take several values, as separate tokens (`--eps_test 0.1 0.3`), comma-separated (`0.1,0.3`) or both.</summary>
public static class ListOptions
{
    public static Option<string[]> Create(string name, string description)
    {
        var option = Cli.Option<string[]>(name, description);
        option.AllowMultipleArgumentsPerToken = true;
        option.Arity = ArgumentArity.OneOrMore;
        return option;
    }

    /// <summary>The values given, in order, comma-separated ones split; null when the option is absent.</summary>
    public static string[]? Values(ParseResult result, Option<string[]> option) =>
        result.GetValue(option) is { Length: > 0 } tokens
            ? tokens.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray()
            : null;

    public static double[]? Numbers(ParseResult result, Option<string[]> option) =>
        Values(result, option)?.Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            ? x
            : throw new ParadoxException($"{option.Name}: '{v}' is not a number")).ToArray();
}
