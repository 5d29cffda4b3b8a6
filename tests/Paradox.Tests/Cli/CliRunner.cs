using Paradox.Cli;
using Spectre.Console;
using TorchSharp;

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
        int threads = torch.get_num_threads();
        int code;
        try
        {
            code = App.BuildRoot().Parse(args).Invoke();
        }
        finally
        {
            Console.SetError(original);
        }
        // The thread count is process-wide and other tests run in parallel (bit-identity depends on it): an in-process
        // command must never change it. A test that needs --threads runs the CLI as a separate process.
        Xunit.Assert.True(threads == torch.get_num_threads(),
            $"the command changed the test process's thread count ({threads} -> {torch.get_num_threads()}): {string.Join(' ', args)}");
        return (code, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// Runs with standard output captured as well: Console.Out and Spectre's console, without colours and wide
    /// enough that tables do not wrap.
    /// </summary>
    public static (int ExitCode, string Output, string[] ErrorLines) RunCapturingOutput(params string[] args)
    {
        var (originalOut, originalConsole) = (Console.Out, AnsiConsole.Console);
        using var output = new StringWriter();
        Console.SetOut(output);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        AnsiConsole.Console.Profile.Width = 250;
        try
        {
            var (code, errors) = Run(args);
            return (code, output.ToString(), errors);
        }
        finally
        {
            Console.SetOut(originalOut);
            AnsiConsole.Console = originalConsole;
        }
    }
}
