using System.CommandLine;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>`paradox info`: the layer table, parameter count and (optionally) a hash of the weights.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var hash = Cli.Option<bool>("hash", "Print the SHA-256 of all parameter values (for reproducibility checks)");
        var command = new Command("info", "Print a model's layers, shapes and parameter count.");
        model.AddTo(command);
        command.Options.Add(hash);
        command.SetBody(result =>
        {
            var device = Cli.ConfigureRuntime(result);
            using var network = model.LoadNetwork(result, device);
            var table = new Table().Title($"{network.Architecture} ({network.Dataset.Name}{(network.Normalized ? "" : ", unnormalized")})")
                .AddColumn("index").AddColumn("layer").AddColumn("input").AddColumn("output")
                .AddColumn(new TableColumn("parameters").RightAligned());
            for (int i = 0; i < network.Layers.Count; i++)
            {
                var layer = network.Layers[i];
                long count = layer.Parameters().Sum(p => p.Value.numel());
                table.AddRow(i.ToString(), Markup.Escape(layer.Describe()), Shape(layer.InputShape), Shape(layer.OutputShape),
                    count == 0 ? "" : count.ToString("N0"));
            }
            AnsiConsole.Write(table);
            Console.WriteLine($"parameters: {network.ParameterCount:N0}");
            if (result.GetValue(hash)) Console.WriteLine($"sha256: {network.ParameterHash()}");
            return 0;
        });
        return command;
    }

    static string Shape(long[] shape) => string.Join("x", shape);
}
