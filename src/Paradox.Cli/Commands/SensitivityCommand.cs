using System.CommandLine;
using Paradox.Analysis;
using Paradox.Reporting;

namespace Paradox.Cli.Commands;

/// <summary>`paradox sensitivity`: how violently each certified loss reacts to small weight changes, relative to the
/// natural loss.</summary>
public static class SensitivityCommand
{
    static readonly double[] DefaultScales = [1e-3, 1e-2, 1e-1];

    public static Command Create()
    {
        var loss = new LossOptions();
        var directions = Cli.Option("directions", "Random filter-normalised directions d", 5);
        var scales = ListOptions.Create("scales", "Step sizes s along each direction (default 1e-3,1e-2,1e-1)");
        var json = Cli.Option<string?>("json", "Write the results as JSON to this file");
        var command = new Command("sensitivity", """
            Sensitivity of each relaxation's certified loss L_R to the weights theta, on the first --n test images,
            every measure divided by the same measure of the natural loss on the same network, batch and directions:
              perturbation: median over directions d and scales s of |L(theta + s d) - L(theta)| / s
              curvature:    median of |L(theta + s d) - 2 L(theta) + L(theta - s d)| / s^2
              gradient:     norm(grad_theta L_R) / norm(grad_theta L_natural) on the batch (autograd)
            with the interquartile range over directions and scales. Also the degree of the final bound as a
            piecewise polynomial or rational function of the weights (recursion over layers, default ReLU rules),
            and whether the measures separate {box, hbox} (low) from {deeppoly, crown-ibp, zono} (high) as the
            study claims. A table by scale shows how each median changes with s: a jump in the loss makes the
            perturbation grow like 1/s and the curvature like 1/s^2. Losses are computed in float32, so the
            curvature of a loss of size L carries rounding noise of about 1e-7 L / s^2. Directions depend on --seed.
            """);
        loss.AddTo(command);
        foreach (var o in new Option[] { directions, scales, json }) command.Options.Add(o);
        command.SetBody(result =>
        {
            var device = Cli.ConfigureRuntime(result);
            int k = result.GetValue(directions);
            var s = ListOptions.Numbers(result, scales) ?? DefaultScales;
            LossSensitivity.Validate(k, s);
            using var generator = Cli.Generator(result);
            var (eps, relaxations) = loss.Validate(result, generator);
            var jsonPath = result.GetValue(json);

            using var subject = loss.Load(result, device, eps, relaxations);
            var losses = subject.Losses(includeNatural: true);
            var drawn = Enumerable.Range(0, k).Select(_ => ParameterDirection.FilterNormalized(subject.Network, generator)).ToList();
            try
            {
                int evaluations = losses.Count * (2 * k * s.Length + 1);
                var probes = ProgressBar.Run("sensitivity", evaluations,
                    advance => LossSensitivity.Probe(subject.Network, losses, drawn, s, advance));
                var rows = LossSensitivity.Relative(probes, probes[0]);
                var degrees = loss.VariantsGiven(result) ? [] :
                    relaxations.Select(r => BoundDegrees.Measure(subject.Network, r, subject.X, subject.Y, eps))
                        .OfType<BoundDegree>().ToList();
                var report = new SensitivityReport(result.GetValue(loss.Model.Model)!, subject.Network.Architecture,
                    subject.Network.Dataset.Name, subject.Images, eps, k, s, result.GetValue(Cli.Seed), rows, degrees,
                    SensitivityGroups.Compare(rows));
                SensitivityView.Print(report);
                if (jsonPath is not null) ResultJson.Write(jsonPath, SensitivityJson.ToJson(report));
                return 0;
            }
            finally
            {
                foreach (var d in drawn) d.Dispose();
            }
        }, json);
        return command;
    }
}
