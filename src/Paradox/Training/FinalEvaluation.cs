using System.Text.Json.Nodes;
using Paradox.Attacks;
using Paradox.Certification;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Reporting;
using TorchSharp;

namespace Paradox.Training;

/// <summary>The end of a run: standard, PGD and certified accuracy on the test set for every eps_test (eps_train if none).</summary>
public static class FinalEvaluation
{
    /// <summary>The radii evaluated: `--eps_test`, else `--eps_train`, else 0.</summary>
    public static double[] Radii(TrainConfig config) => config.EpsTest.Length > 0 ? config.EpsTest : config.EpsTrain is { } e ? [e] : [0.0];

    /// <summary>The domains certified with: `--verify_domains`, else the training domain, else box.</summary>
    public static string[] Domains(TrainConfig config) =>
        config.VerifyDomains.Length > 0 ? config.VerifyDomains : config.TrainDomain is { } d ? [d] : ["box"];

    /// <summary>The relaxations certified with, built with every relaxation flag of the run (the milp ones included).</summary>
    public static List<Relaxation> Relaxations(TrainConfig config, torch.Generator? generator = null) =>
        [.. Domains(config).Select(name => RelaxationCatalog.Create(name, config.RelaxationFlags(), generator, "--verify_domains"))];

    /// <summary>Evaluates <paramref name="network"/>; the result is results.json's array (one object per radius).</summary>
    public static JsonArray Run(Network network, TrainConfig config, ITrainingRunObserver? observer = null)
    {
        observer ??= new SilentObserver();
        using var test = DatasetCatalog.Load(network.Dataset, train: false, config.DataDir);
        using var data = config.VerifyMaxTests is { } max ? test.Take(max) : test.Take(test.Count);
        using var generator = new torch.Generator((ulong)config.Seed, network.Device);
        network.SetRequiresGrad(false);
        var relaxations = Relaxations(config, generator);
        var spec = Specification.Parse(config.C);
        var pgd = new PgdOptions(config.PgdSteps, config.PgdStepSize);
        var results = new JsonArray();
        foreach (var eps in Radii(config))
        {
            var r = observer.Evaluate(eps, data.Count, advance =>
                Evaluator.Run(network, data, eps, pgd, config.BatchSize, relaxations, spec, generator, advance));
            observer.Evaluated(r, network);
            results.Add(ResultJson.ToJson(r));
        }
        return results;
    }

    sealed class SilentObserver : ITrainingRunObserver;
}
