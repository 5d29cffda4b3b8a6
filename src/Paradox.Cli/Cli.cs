using System.CommandLine;
using Paradox.Data;
using Paradox.Networks;
using Spectre.Console;
using TorchSharp;

namespace Paradox.Cli;

/// <summary>Shared pieces of every command: option factory, global options, model loading, error handling.</summary>
public static class Cli
{
    /// <summary>
    /// An option spelled `--name` as given (the paper's underscore names) that also answers to the kebab-case
    /// spelling, so `--batch_size` and `--batch-size` are the same flag.
    /// </summary>
    public static Option<T> Option<T>(string name, string description, T? defaultValue = default, bool hasDefault = false)
    {
        var primary = "--" + name;
        var kebab = "--" + name.Replace('_', '-');
        var underscore = "--" + name.Replace('-', '_');
        var option = new Option<T>(primary) { Description = description };
        foreach (var alias in new[] { kebab, underscore }.Distinct())
            if (alias != primary) option.Aliases.Add(alias);
        if (hasDefault) option.DefaultValueFactory = _ => defaultValue!;
        return option;
    }

    public static Option<T> Option<T>(string name, string description, T defaultValue) =>
        Option(name, description, defaultValue, hasDefault: true);

    public static readonly Option<long> Seed = Global(Option("seed", "Random seed; the same seed and thread count give bit-identical results", 0L));
    public static readonly Option<int?> Threads = Global(Option<int?>("threads", "Threads libtorch may use (default: all cores)"));
    public static readonly Option<string> Device = Global(Option("device", "cpu, cuda, or auto (cuda when available)", "cpu"));

    static Option<T> Global<T>(Option<T> option)
    {
        option.Recursive = true;
        return option;
    }

    /// <summary>Runs a command body: a <see cref="ParadoxException"/> becomes one line on stderr and exit code 2.</summary>
    public static void SetBody(this Command command, Func<ParseResult, int> body)
    {
        command.SetAction(result =>
        {
            try
            {
                return body(result);
            }
            catch (ParadoxException e)
            {
                Console.Out.Flush();
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
    }

    public static torch.Device ConfigureRuntime(ParseResult result) =>
        TorchRuntime.Configure(result.GetValue(Threads), result.GetValue(Device)!, result.GetValue(Seed));

    public static torch.Generator Generator(ParseResult result) => new torch.Generator((ulong)result.GetValue(Seed));
}

/// <summary>Options that name a model and the data it runs on (`--net`, `--dataset`, `--model`, ...).</summary>
public sealed class ModelOptions
{
    public readonly Option<string?> Net = Cli.Option<string?>("net", $"Architecture: {string.Join(", ", Architectures.Names)} (not needed for Paradox checkpoints)");
    public readonly Option<string?> Dataset = Cli.Option<string?>("dataset", "mnist, fashion-mnist, cifar10 or svhn (not needed for Paradox checkpoints)");
    public readonly Option<string> Model = Cli.Option<string>("model", "Model file: a PyTorch state_dict (.pt) or a Paradox checkpoint (.ckpt)");
    public readonly Option<bool> Unnormalized = Cli.Option<bool>("unnormalized", "The network has no Normalize layer");
    public readonly Option<string?> DataDir = Cli.Option<string?>("data-dir", "Directory with the dataset files (default: the standard location)");

    public ModelOptions(bool modelRequired = true) => Model.Required = modelRequired;

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Net, Dataset, Model, Unnormalized, DataDir }) command.Options.Add(o);
    }

    public Network LoadNetwork(ParseResult result, torch.Device device)
    {
        var dataset = result.GetValue(Dataset) is { } name ? DatasetInfo.Parse(name) : null;
        bool? normalized = result.GetResult(Unnormalized) is null ? null : !result.GetValue(Unnormalized);
        return ModelFile.Load(result.GetValue(Model)!, new ModelFile.Hints(result.GetValue(Net), dataset, normalized), device);
    }

    /// <summary>The test set of the network's dataset, or its first <paramref name="n"/> images.</summary>
    public LabeledImages LoadTestSet(ParseResult result, Network network, int? n)
    {
        if (n is < 1) throw new ParadoxException($"--n: must be at least 1 (got {n})");
        if (network.Dataset.Name == Interop.OnnxImporter.Architecture)
            throw new ParadoxException($"{result.GetValue(Model)}: an ONNX model does not record its dataset: pass --dataset");
        var data = DatasetCatalog.Load(network.Dataset, train: false, result.GetValue(DataDir));
        if (n is null || n >= data.Count) return data;
        var head = data.Take(n.Value);
        return head;
    }
}

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
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: total);
                result = work(k => task.Increment(k));
            });
        return result;
    }
}
