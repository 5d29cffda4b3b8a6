using System.CommandLine;
using Paradox.Certification;
using Paradox.Relaxations;
using Paradox.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Cli.Commands;

/// <summary>`paradox certify`: standard, PGD and per-domain certified accuracy.</summary>
public static class CertifyCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var relax = new RelaxationOptions();
        var pgd = new PgdFlags();
        var eps = Cli.Option("eps", "L-infinity radius (pixels in [0,1])", 0.1);
        var domains = Cli.Option("domains",
            $"Comma-separated verification domains, each `name[:variant][:key=value]`: {RelaxationCatalog.Names}", "box");
        var n = Cli.Option<int?>("n", "Certify only the first N test images");
        var batch = Cli.Option("batch_size", "Images per batch", 100);
        var spec = Cli.Option("C", "Specification: diffs (elision) or eye", "diffs");
        var noPgd = Cli.Option<bool>("no_pgd", "Skip the PGD attack");
        var json = Cli.Option<string?>("json", "Write the results as JSON to this file");
        var command = new Command("certify", """
            Standard accuracy, PGD accuracy and, per domain, certified accuracy on the test set.
            A point is certified only if every lower bound of logit_true - logit_j is > 0.
            Domains: box, hbox, hzono, zono, zbox, zdiag, zdiag-c, zswitch, hdiag, hdiag-c, hswitch, zono-ibp,
            deeppoly (CROWN), crown-ibp, iclr2021, cauchy-zono and cauchy-hbox (probabilistic ESTIMATES, not certificates),
            triangle (the triangle LP per image: tighter than deeppoly, much slower) and milp (complete MILP verifier:
            exact, small networks only, --milp_time_limit seconds per image; a timed-out image is not certified).
            Variants by flag (--crown_variant 0-c) or per domain (deeppoly:0-c, zono:soft=1, box:widen=0.5).
            """);
        model.AddTo(command);
        relax.AddTo(command);
        pgd.AddTo(command);
        foreach (var o in new Option[] { eps, domains, n, batch, spec, noPgd, json }) command.Options.Add(o);
        command.SetBody(result =>
        {
            var device = Cli.ConfigureRuntime(result);
            double e = Checks.Eps(result.GetValue(eps));
            var specKind = Specification.Parse(result.GetValue(spec)!);
            var pgdOptions = result.GetValue(noPgd) ? null : pgd.Read(result);
            using var generator = Cli.Generator(result);
            var relaxations = RelaxationOptions.Parse(result.GetValue(domains)!, relax.Read(result), generator, "--domains");
            using var network = model.LoadNetwork(result, device);
            using var data = model.LoadTestSet(result, network, result.GetValue(n));
            var r = ProgressBar.Run($"certify eps={e}", data.Count, advance =>
                Evaluator.Run(network, data, e, pgdOptions, result.GetValue(batch), relaxations, specKind, generator, advance));
            Tables.Print(r, network);
            if (result.GetValue(json) is { } path) ResultJson.Write(path, ResultJson.ToJson(r));
            return 0;
        }, json);
        return command;
    }
}
