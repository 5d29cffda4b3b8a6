using System.CommandLine;
using Paradox.Data;
using Paradox.Networks;
using Spectre.Console;
using TorchSharp;

namespace Paradox.Cli;

/// <summary>Options that name a model and the data it runs on (`--net`, `--dataset`, `--model`, ...).</summary>
public sealed class ModelOptions
{
    public readonly Option<string?> Net = Cli.Option<string?>("net",
        $"Architecture: {string.Join(", ", Architectures.Names)} (not needed for Paradox checkpoints)");
    public readonly Option<string?> Dataset = Cli.Option<string?>("dataset",
        "mnist, fashion-mnist, cifar10 or svhn (not needed for Paradox checkpoints)");
    public readonly Option<string> Model = Cli.Option<string>("model",
        "Model file: a PyTorch state_dict (.pt), a Paradox checkpoint (.ckpt) or an ONNX network (.onnx)");
    public readonly Option<bool> Unnormalized = Cli.Option<bool>("unnormalized", "The network has no Normalize layer");
    public readonly Option<string?> DataDir = Cli.Option<string?>("data-dir",
        "Directory with the dataset files (default: the standard location)");

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
