namespace Paradox.Tests.Training;

/// <summary>
/// The flags of one command line, in order: `--name value...` (no value: a switch). Flags can be replaced or
/// removed, so a test changes one setting of a valid line.
/// </summary>
sealed class FlagLine
{
    readonly List<(string Flag, string[] Values)> flags = [];

    public IReadOnlyList<(string Flag, string[] Values)> Flags => flags;

    public static FlagLine Parse(string line)
    {
        var result = new FlagLine();
        foreach (var token in line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith("--"))
                result.flags.Add((token, []));
            else if (result.flags.Count == 0)
                throw new FormatException($"value '{token}' before any flag in: {line}");
            else
                result.flags[^1] = (result.flags[^1].Flag, [.. result.flags[^1].Values, token]);
        }
        return result;
    }

    /// <summary>This line with each flag of <paramref name="changes"/> replacing the same flag (or appended).</summary>
    public FlagLine With(string changes)
    {
        var result = Copy();
        foreach (var change in Parse(changes).flags)
        {
            int index = result.flags.FindIndex(f => f.Flag == change.Flag);
            if (index >= 0) result.flags[index] = change;
            else result.flags.Add(change);
        }
        return result;
    }

    public FlagLine Without(string flag)
    {
        var result = Copy();
        if (result.flags.RemoveAll(f => f.Flag == flag) == 0) throw new ArgumentException($"{flag} is not in the line");
        return result;
    }

    public string[] ToArgs() => flags.SelectMany(f => f.Values.Prepend(f.Flag)).ToArray();

    FlagLine Copy()
    {
        var copy = new FlagLine();
        copy.flags.AddRange(flags);
        return copy;
    }
}
