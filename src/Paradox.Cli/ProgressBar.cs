using System.CommandLine;
using Paradox.Data;
using Paradox.Networks;
using Spectre.Console;
using TorchSharp;

namespace Paradox.Cli;

/// <summary>Progress bars that degrade to nothing when output is not a terminal.</summary>
public static class ProgressBar
{
    /// <summary>Bars are drawn only on an interactive terminal; redirected output gets the summaries alone.</summary>
    public static bool Enabled => AnsiConsole.Profile.Capabilities.Interactive;

    public static T Run<T>(string title, int total, Func<Action<int>, T> work)
    {
        if (!Enabled) return work(_ => { });
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: total);
                result = work(k => task.Increment(k));
            });
        return result;
    }
}
