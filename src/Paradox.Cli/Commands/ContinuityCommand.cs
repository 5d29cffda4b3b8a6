using System.CommandLine;
using Paradox.Analysis;
using Paradox.Relaxations;
using Paradox.Reporting;
using static TorchSharp.torch;

namespace Paradox.Cli.Commands;

/// <summary>`paradox continuity`: where each relaxation's certified loss jumps, in theory and along random lines in weight space.</summary>
public static class ContinuityCommand
{
    public static Command Create()
    {
        var model = new ModelOptions(modelRequired: false);
        var relax = new RelaxationOptions();
        var defaults = new ContinuitySettings();
        var search = defaults.JumpSearch;
        var relaxations = Cli.Option("relaxations",
            $"Comma-separated relaxations, each `name[:variant][:key=value]`: {RelaxationCatalog.Names}",
            "box,hbox,zono,deeppoly,crown-ibp");
        var eps = Cli.Option("eps", "L-infinity radius of the certified loss (pixels in [0,1])", 0.1);
        var n = Cli.Option("n", "The batch: the first N test images", 100);
        var directions = Cli.Option("directions", "Random filter-normalised directions in weight space", 3);
        var points = Cli.Option("points", "Grid points per direction", defaults.Points);
        var span = Cli.Option("span", "The grid covers t in [-span, span]", defaults.Span);
        var refinements = Cli.Option("refinements", "Halvings of every bisected grid interval", search.Refinements);
        var probes = Cli.Option("probes",
            "Grid intervals per direction bisected at random (finds jumps too small to stand out on the grid)", search.Probes);
        var theoryOnly = Cli.Option<bool>("theory-only", "Print the derived theory only (no model needed)");
        var json = Cli.Option<string?>("json", "Write theory and empirical results as JSON to this file");
        var command = new Command("continuity", $"""
            Is a relaxation's certified loss L_R(theta) continuous in the weights theta?
            Theory, derived from each relaxation's ReLU rule: the rule's lower and upper lines (slope and offset) are
            evaluated in float64 on both sides of every case boundary (u = 0, l = 0) and of |l| = |u|, at several scales
            and distances delta -> 0; a quantity jumps when its difference does not shrink with delta. Box sees only the
            interval the lines bound over [l, u]; zonotope, hybrid and back-substitution engines use the lines themselves.
            Loose Box rounding (box:round=W:dcs=F) jumps through its change of [l, u], not through the rule.
            Empirics: L_R on the first N test images along filter-normalised random directions d, L_R(theta + t d) on a
            grid of t. Grid intervals whose change departs from the smooth prediction of their neighbours ({search.CandidateFactor}x the
            line's median, at most {search.MaxOutliers} per direction), and {search.Probes} random ones (tiny dense jumps never stand out on
            the grid), are bisected {search.Refinements} times towards the half that departs most from the local slope; a jump is
            kept when that departure does not halve over the last {JumpSearchSettings.ConfirmLevels} halvings (a continuous function's shrinks
            with the interval, a steep smooth ramp's too once it is resolved) and exceeds 32 float32 epsilons of the loss.
            "per unit t" is a lower bound: the confirmed outlier jumps plus the probes' hit rate times the other
            intervals (each counted once), per unit of t.
            Random relaxations (iclr2021, cauchy-*) are reseeded with --seed before every evaluation.
            """);
        model.AddTo(command);
        relax.AddTo(command);
        foreach (var o in new Option[] { relaxations, eps, n, directions, points, span, refinements, probes, theoryOnly, json })
            command.Options.Add(o);
        command.SetBody(result =>
        {
            var device = Cli.ConfigureRuntime(result);
            double e = Checks.Eps(result.GetValue(eps));
            int directionCount = result.GetValue(directions);
            if (directionCount < 1) throw new ParadoxException($"--directions: must be at least 1 (got {directionCount})");
            var settings = new ContinuitySettings(result.GetValue(points), result.GetValue(span),
                search with { Refinements = result.GetValue(refinements), Probes = result.GetValue(probes) });
            settings.Validate();
            long seed = result.GetValue(Cli.Seed);
            using var generator = Cli.Generator(result);
            var chosen = RelaxationOptions.ParseTrainable(result.GetValue(relaxations)!, relax.Read(result), generator, "--relaxations");
            var theory = chosen.Select(ContinuityTheory.Derive).ToList();
            if (result.GetValue(theoryOnly))
            {
                ContinuityView.PrintTheory(theory);
                if (result.GetValue(json) is { } theoryPath) ResultJson.Write(theoryPath, ContinuityJson.ToJson(theory, null, null));
                return 0;
            }
            if (result.GetValue(model.Model) is null) throw new ParadoxException("--model: required unless --theory-only is given");
            using var network = model.LoadNetwork(result, device);
            using var data = model.LoadTestSet(result, network, result.GetValue(n));
            var x = data.Images.to(device);
            var y = data.Labels.to(device);
            using var directionGenerator = Cli.Generator(result);
            var lines = Enumerable.Range(0, directionCount)
                .Select(_ => ParameterDirection.FilterNormalized(network, directionGenerator)).ToList();
            try
            {
                var empirical = Continuity.Measure(network, chosen, x, y, e, lines, settings, seed, generator,
                    (title, budget, work) => ProgressBar.Run(title, budget, work));
                var run = new ContinuityRun(network.Architecture, network.Dataset.Name, result.GetValue(model.Model)!, data.Count, e,
                    directionCount, settings, seed);
                ContinuityView.PrintTheory(theory);
                ContinuityView.PrintEmpirical(run, theory, empirical);
                if (result.GetValue(json) is { } path) ResultJson.Write(path, ContinuityJson.ToJson(theory, empirical, run));
            }
            finally
            {
                foreach (var d in lines) d.Dispose();
            }
            return 0;
        }, json);
        return command;
    }
}
