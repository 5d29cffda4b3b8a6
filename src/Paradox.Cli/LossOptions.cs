using System.CommandLine;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Cli;

/// <summary>Options of the analyses of the certified loss as a function of the weights: model, relaxations, eps, images.</summary>
public sealed class LossOptions
{
    public const string DefaultRelaxations = "box,hbox,zono,deeppoly,crown-ibp";

    public readonly ModelOptions Model = new();
    public readonly RelaxationOptions Variants = new();
    public readonly Option<string> Relaxations = Cli.Option("relaxations",
        $"Comma-separated relaxations, each `name[:variant][:key=value]`: {RelaxationCatalog.Names}", DefaultRelaxations);
    public readonly Option<double> Eps = Cli.Option("eps", "L-infinity radius of the certified loss (pixels in [0,1])", 0.1);
    public readonly Option<int> N = Cli.Option("n", "The batch: the first N test images", 100);

    public void AddTo(Command command)
    {
        Model.AddTo(command);
        Variants.AddTo(command);
        foreach (var o in new Option[] { Relaxations, Eps, N }) command.Options.Add(o);
    }

    /// <summary>True when a variant flag changes the relaxations' default ReLU rules.</summary>
    public bool VariantsGiven(ParseResult result) => Variants.Read(result) != new RelaxationFlags();

    /// <summary>Checks the flags that need no file (call before anything slow) and builds the relaxations.</summary>
    public (double Eps, IReadOnlyList<Relaxation> Relaxations) Validate(ParseResult result, Generator generator)
    {
        double eps = Checks.Eps(result.GetValue(Eps), finite: true);
        if (result.GetValue(N) < 1) throw new ParadoxException($"--n: must be at least 1 (got {result.GetValue(N)})");
        var relaxations = RelaxationOptions.ParseTrainable(result.GetValue(Relaxations)!, Variants.Read(result), generator,
            "--relaxations");
        return (eps, relaxations);
    }

    /// <summary>Loads the model and its first N test images onto the device.</summary>
    public LossSubject Load(ParseResult result, Device device, double eps, IReadOnlyList<Relaxation> relaxations)
    {
        var network = Model.LoadNetwork(result, device);
        try
        {
            using var data = Model.LoadTestSet(result, network, result.GetValue(N));
            return new LossSubject(network, data.Images.to(device).clone(), data.Labels.to(device).clone(), eps, relaxations);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
