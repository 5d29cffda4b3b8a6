using System.Diagnostics;

namespace Paradox.Bench;

/// <summary>Argument helpers and child-process runs shared by the macro benchmarks.</summary>
static class BenchArgs
{
    public static string String(string[] args, string name, string fallback) => Optional(args, name) ?? fallback;

    public static int Int(string[] args, string name, int fallback) => int.Parse(String(args, name, fallback.ToString()));

    /// <summary>The value after <paramref name="name"/>, or null when the option is absent.</summary>
    public static string? Optional(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The arguments without <paramref name="name"/> and its value.</summary>
    public static string[] WithoutOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i < 0 ? args : [.. args[..i], .. args[Math.Min(i + 2, args.Length)..]];
    }

    /// <summary>Prints a one-line error and returns the exit code of bad arguments.</summary>
    public static int Refuse(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    /// <summary>Runs this benchmark program again with <paramref name="args"/>; its single output line split on spaces,
    /// or null on failure.</summary>
    public static string[]? RunChild(params string[] args)
    {
        var self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true };
        if (!self.EndsWith("Paradox.Bench", StringComparison.Ordinal)) psi.ArgumentList.Add(typeof(BenchArgs).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return p.ExitCode == 0 && output.Length > 0 ? output.Split(' ') : null;
    }
}
