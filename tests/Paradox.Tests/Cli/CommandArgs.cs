namespace Paradox.Tests.Cli;

/// <summary>Command lines built from defaults: `command --flag value ...` pairs, some replaced.</summary>
static class CommandArgs
{
    /// <summary>
    /// <paramref name="defaults"/> is a command followed by flag/value pairs; each pair in <paramref name="changes"/>
    /// replaces the value of the same flag, or is appended (flags without a value go last).
    /// </summary>
    public static string[] With(string[] defaults, string[] changes)
    {
        var args = defaults.ToList();
        int i = 0;
        while (i < changes.Length)
        {
            bool hasValue = i + 1 < changes.Length && !changes[i + 1].StartsWith("--");
            int at = args.IndexOf(changes[i]);
            if (hasValue && at > 0) args[at + 1] = changes[i + 1];
            else args.AddRange(hasValue ? [changes[i], changes[i + 1]] : [changes[i]]);
            i += hasValue ? 2 : 1;
        }
        return args.ToArray();
    }
}
