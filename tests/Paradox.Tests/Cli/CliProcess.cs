using System.Diagnostics;
using Paradox.IO;
using Xunit;

namespace Paradox.Tests.Cli;

/// <summary>Runs the built `paradox` CLI as a separate process, for what one process cannot show (environment, kills).</summary>
static class CliProcess
{
    /// <summary>The CLI assembly built next to this test assembly's configuration (Debug or Release).</summary>
    public static string Assembly()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testDir.Name;                 // net10.0
        var configuration = testDir.Parent!.Name;     // Debug / Release
        var repo = RepositoryRoot.Find()!;
        var dll = Path.Combine(repo, "src", "Paradox.Cli", "bin", configuration, framework, "Paradox.Cli.dll");
        Assert.True(File.Exists(dll), $"CLI not built at {dll}");
        return dll;
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Assembly());
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return info;
    }

    /// <summary>Runs to the end (at most two minutes) and returns the exit code, standard output and error lines.</summary>
    public static (int ExitCode, string Output, string[] ErrorLines) Run(IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the CLI did not finish within two minutes");
        var errorLines = error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.Contains("NNPACK", StringComparison.Ordinal)).ToArray();
        return (process.ExitCode, output.Result, errorLines);
    }
}
