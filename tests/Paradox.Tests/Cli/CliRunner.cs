using Paradox.Cli;

namespace Paradox.Tests.Cli;

/// <summary>Runs the `paradox` command tree in-process and captures what it writes to standard error.</summary>
static class CliRunner
{
    /// <summary>Console.Error is process-wide, so the tests that redirect it run one at a time.</summary>
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
}
