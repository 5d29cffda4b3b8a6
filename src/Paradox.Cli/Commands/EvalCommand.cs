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
            double e = Checks.Eps(result.GetValue(eps));
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
