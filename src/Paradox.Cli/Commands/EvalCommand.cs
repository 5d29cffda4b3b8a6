using System.CommandLine;
using Paradox.Attacks;
using Paradox.Certification;
using Paradox.Reporting;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>`paradox eval`: standard and PGD accuracy of a model on the test set.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var eps = Cli.Option("eps", "L-infinity radius of the PGD attack (pixels in [0,1])", 0.1);
        var n = Cli.Option<int?>("n", "Evaluate only the first N test images");
        var batch = Cli.Option("batch_size", "Images per batch", 100);
        var json = Cli.Option<string?>("json", "Write the results as JSON to this file");
        var pgd = new PgdFlags();
        var command = new Command("eval", "Standard and PGD accuracy of a model on the test set (or its first N images).");
        model.AddTo(command);
        foreach (var o in new Option[] { eps, n, batch, json }) command.Options.Add(o);
        pgd.AddTo(command);
        command.SetBody(result =>
        {
            var device = Cli.ConfigureRuntime(result);
            double e = result.GetValue(eps);
            if (!(e >= 0)) throw new ParadoxException($"--eps: must be a number >= 0 (got {e})");
            var pgdOptions = pgd.Read(result);
            using var network = model.LoadNetwork(result, device);
            using var data = model.LoadTestSet(result, network, result.GetValue(n));
            using var generator = Cli.Generator(result);
            var r = ProgressBar.Run($"eval eps={e}", data.Count, advance =>
                Evaluator.Run(network, data, e, pgdOptions, result.GetValue(batch), generator: generator, advance: advance));
            Tables.Print(r, network);
            if (result.GetValue(json) is { } path) ResultJson.Write(path, ResultJson.ToJson(r));
            return 0;
        }, json);
        return command;
    }
}

/// <summary>The PGD flags of the paper's scripts.</summary>
public sealed class PgdFlags
{
    public readonly Option<int> Steps = Cli.Option("pgd_steps", "PGD steps", 100);
    public readonly Option<double> StepSize = Cli.Option("pgd_step_size", "PGD step size", 0.01);
    public readonly Option<int> Restarts = Cli.Option("pgd_restarts", "PGD random restarts", 1);

    public void AddTo(Command command)
    {
        command.Options.Add(Steps);
        command.Options.Add(StepSize);
        command.Options.Add(Restarts);
    }

    public PgdOptions Read(ParseResult result)
    {
        var options = new PgdOptions(result.GetValue(Steps), result.GetValue(StepSize), result.GetValue(Restarts));
        options.Validate();
        return options;
    }
}

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
            AnsiConsole.MarkupLine(Markup.Escape($"{domain}: {timedOut} of {r.N} images timed out (time limit {r.TimeLimits[domain]} s per image; counted as not certified)"));
    }

    public static string Percent(double fraction) => (100 * fraction).ToString("0.00") + "%";
}
