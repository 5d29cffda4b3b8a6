using Paradox.Cli;

namespace Paradox.Tests.Cli;

/// <summary>Runs the `paradox` command tree in-process and captures what it writes to standard error (and output).</summary>
static class CliRunner
{
    /// <summary>Console.Error and Console.Out are process-wide, so the tests that redirect them run one at a time.</summary>
    public const string Collection = "Console.Error";

    public static (int ExitCode, string[] ErrorLines) Run(params string[] args)
    {
        var original = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            int code = App.BuildRoot().Parse(args).Invoke();
            return (code, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Console.SetError(original);
        }
    }

    /// <summary>
    /// Also captures standard output: only for commands that write with Console.Out (Spectre's AnsiConsole would
    /// keep the redirected writer after it is disposed).
    /// </summary>
    public static (int ExitCode, string Output, string[] ErrorLines) RunWithOutput(params string[] args)
    {
        var original = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            var (code, errors) = Run(args);
            return (code, output.ToString(), errors);
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
