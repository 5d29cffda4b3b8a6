namespace Paradox.Reproduction;

/// <summary>
/// A command line of cert.py flags as groups `--name value...`, so the reproduction grid can replace a flag of a
/// paper line (a profile's `--percent`, a Table 4 run's `--seed`) before the line goes to the one flag parser,
/// `paradox cert`'s options. Only groups tokens: values are neither interpreted nor checked here.
/// </summary>
public static class FlagTokens
{
    public static string[] Split(string line) => line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The flag's name without dashes, underscores and kebab-case spelled alike: `--batch-size` → `batch_size`.</summary>
    public static string Key(string flag) => flag.TrimStart('-').Replace('-', '_').ToLowerInvariant();

    public static bool IsFlag(string token) => token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2;

    /// <summary>The groups of <paramref name="tokens"/>; a value before any flag is an error naming <paramref name="source"/>.</summary>
    public static List<(string Flag, string[] Values)> Groups(IEnumerable<string> tokens, string source)
    {
        var groups = new List<(string Flag, string[] Values)>();
        foreach (var token in tokens)
        {
            if (IsFlag(token)) groups.Add((token, []));
            else if (groups.Count == 0) throw new ParadoxException($"{source}: value '{token}' before any flag");
            else groups[^1] = (groups[^1].Flag, [.. groups[^1].Values, token]);
        }
        return groups;
    }

    /// <summary><paramref name="tokens"/> with each flag of <paramref name="changes"/> replacing the same flag (in
    /// place) or appended.</summary>
    public static string[] Merge(IEnumerable<string> tokens, IEnumerable<string> changes, string source)
    {
        var groups = Groups(tokens, source);
        foreach (var change in Groups(changes, source))
        {
            int index = groups.FindIndex(g => Key(g.Flag) == Key(change.Flag));
            if (index >= 0) groups[index] = change;
            else groups.Add(change);
        }
        return [.. groups.SelectMany(g => g.Values.Prepend(g.Flag))];
    }

    /// <summary>The values of <paramref name="flag"/> in <paramref name="tokens"/>, or null when absent.</summary>
    public static string[]? Values(IEnumerable<string> tokens, string flag, string source) =>
        Groups(tokens, source).Where(g => Key(g.Flag) == Key(flag)).Select(g => g.Values).LastOrDefault();
}
