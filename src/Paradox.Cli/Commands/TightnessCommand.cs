using System.CommandLine;
using Paradox.Analysis;
using Paradox.Attacks;
using Paradox.Relaxations;
using Paradox.Reporting;
using Paradox.Verification;

namespace Paradox.Cli.Commands;

/// <summary>`paradox tightness`: 100 x the mean largest certified radius per relaxation.</summary>
public static class TightnessCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var relax = new RelaxationOptions();
        var pgd = new PgdFlags();
        var relaxations = Cli.Option("relaxations",
            "Comma-separated relaxations; `name@N` uses only the first N images for that one (e.g. hbox@90)",
            "box,hbox,zono,deeppoly,crown-ibp");
        var n = Cli.Option("n", "Test images (the first N)", 1000);
        var epsMax = Cli.Option("eps_max", "Upper end of the bisection interval", 0.5);
        var tol = Cli.Option("tol", "Bisection tolerance: ceil(log2(eps_max/tol)) halvings (0.5 and 0.001: 9)", 0.001);
        var relative = Cli.Option<bool>("relative",
            "Also the PGD radius (smallest eps where PGD finds an adversarial example) and mean r_R / mean r_PGD");
        var exact = Cli.Option<bool>("exact",
            "The exact radius from the complete MILP verifier as the upper radius, and mean r_R / mean r_exact " +
            "(small networks only; --milp_time_limit per image and eps)");
        var batch = Cli.Option("batch_size", "Images bisected together", 100);
        var json = Cli.Option<string?>("json", "Write the results as JSON to this file");
        var command = new Command("tightness", """
            Tightness of each relaxation: for every test image the largest eps it certifies, found by bisection on
            [0, eps_max] (all images of a batch at once, one eps per image); misclassified images count 0.
            Reported as 100 x the mean radius. The study's number is measured on a NATURALLY trained network
            (e.g. CONV trained with --mode train-natural, first 1,000 MNIST test images): always report the
            network with the number. --relative adds the ratio to the PGD radius (an empirical upper bound).
            --exact bisects with the complete MILP verifier instead (the same halvings), giving the exact radius
            within the tolerance and the ratio mean r_R / mean r_exact: for small networks only (a MILP per image
            and eps; an image that times out counts as not certified at that eps, so its radius is a lower bound
            and the number of timeouts is reported).
            """);
        model.AddTo(command);
        relax.AddTo(command);
        pgd.AddTo(command);
        foreach (var o in new Option[] { relaxations, n, epsMax, tol, relative, exact, batch, json }) command.Options.Add(o);
        command.SetBody(result =>
        {
            var device = Cli.ConfigureRuntime(result);
            int total = result.GetValue(n);
            if (total < 1) throw new ParadoxException($"--n: must be at least 1 (got {total})");
            CertifiedRadius.Steps(result.GetValue(epsMax), result.GetValue(tol));
            using var generator = Cli.Generator(result);
            var flags = relax.Read(result);
            var requests = TightnessRequest.Parse(result.GetValue(relaxations)!, total, flags, generator);
            var milp = result.GetValue(exact) ? RelaxationCatalog.MilpVerifier(flags, sizeFlag: "--exact") : null;
            var pgdOptions = pgd.Read(result);
            using var network = model.LoadNetwork(result, device);
            milp?.CheckSize(network);
            using var data = model.LoadTestSet(result, network, requests.Max(r => r.Count));
            var report = Analysis.Tightness.Measure(result.GetValue(model.Model)!, network, data, total, requests, result.GetValue(epsMax),
                result.GetValue(tol), result.GetValue(batch), result.GetValue(relative) ? pgdOptions : null, milp, generator,
                (title, images, work) => ProgressBar.Run(title, images, work));
            TightnessView.Print(report);
            if (result.GetValue(json) is { } path) ResultJson.Write(path, TightnessJson.ToJson(report));
            return 0;
        }, json);
        return command;
    }
}
