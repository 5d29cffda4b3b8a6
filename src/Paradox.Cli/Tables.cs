using System.CommandLine;
using Paradox.Attacks;
using Paradox.Certification;
using Paradox.Reporting;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>Human-readable result tables.</summary>
public static class Tables
{
    public static void Print(EvaluationResult r, Networks.Network network)
    {
        var table = new Table().Title($"{network.Architecture} on {network.Dataset.Name}, {r.N} test images, eps = {r.Eps}")
            .AddColumn("measure").AddColumn(new TableColumn("images").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned())
            .AddColumn(new TableColumn("seconds").RightAligned());
        table.AddRow("standard", r.Correct.ToString(), Percent(r.StandardAccuracy), "");
        if (r.PgdEvaluated) table.AddRow("PGD", r.PgdRobust.ToString(), Percent(r.PgdAccuracy), r.PgdSeconds.ToString("0.0"));
        foreach (var (domain, count) in r.Certified)
        {
            var label = r.Estimates.Contains(domain) ? $"estimate, not a certificate [{domain}]" : $"certified [{domain}]";
            table.AddRow(Markup.Escape(label), count.ToString(), Percent(r.CertifiedAccuracy(domain)), r.Seconds[domain].ToString("0.00"));
        }
        AnsiConsole.Write(table);
        foreach (var (domain, timedOut) in r.TimedOut)
            AnsiConsole.MarkupLine(Markup.Escape($"{domain}: {timedOut} of {r.N} images timed out " +
                $"(time limit {r.TimeLimits[domain]} s per image; counted as not certified)"));
    }

    public static string Percent(double fraction) => (100 * fraction).ToString("0.00") + "%";
}
