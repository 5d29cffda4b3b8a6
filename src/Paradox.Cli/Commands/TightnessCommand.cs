using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Paradox.Analysis;
using Paradox.Attacks;
using Paradox.Relaxations;
using Paradox.Reporting;
using Paradox.Verification;
using Spectre.Console;
using static TorchSharp.torch;

namespace Paradox.Cli.Commands;

/// <summary>`paradox tightness`: 100 x the mean largest certified radius per relaxation.</summary>
public static class TightnessCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var relax = new RelaxationOptions();
        var pgd = new PgdFlags();
        var relaxations = Cli.Option("relaxations", "Comma-separated relaxations; `name@N` uses only the first N images for that one (e.g. hbox@90)", "box,hbox,zono,deeppoly,crown-ibp");
        var n = Cli.Option("n", "Test images (the first N)", 1000);
        var epsMax = Cli.Option("eps_max", "Upper end of the bisection interval", 0.5);
        var tol = Cli.Option("tol", "Bisection tolerance: ceil(log2(eps_max/tol)) halvings (0.5 and 0.001: 9)", 0.001);
        var relative = Cli.Option<bool>("relative", "Also the PGD radius (smallest eps where PGD finds an adversarial example) and mean r_R / mean r_PGD");
        var exact = Cli.Option<bool>("exact", "The exact radius from the complete MILP verifier as the upper radius, and mean r_R / mean r_exact (small networks only; --milp_time_limit per image and eps)");
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
            int steps = CertifiedRadius.Steps(result.GetValue(epsMax), result.GetValue(tol));
            int total = result.GetValue(n);
            if (total < 1) throw new ParadoxException($"--n: must be at least 1 (got {total})");
            using var generator = Cli.Generator(result);
            var flags = relax.Read(result);
            var requests = ParseRequests(result.GetValue(relaxations)!, total, flags, generator);
            var milp = result.GetValue(exact) ? RelaxationCatalog.MilpVerifier(flags, sizeFlag: "--exact") : null;
            var pgdOptions = pgd.Read(result);
            using var network = model.LoadNetwork(result, device);
            milp?.CheckSize(network);
            using var data = model.LoadTestSet(result, network, requests.Max(r => r.Count));
            int batchSize = result.GetValue(batch);
            double max = result.GetValue(epsMax);

            var radii = new Dictionary<string, float[]>();
            var seconds = new Dictionary<string, double>();
            foreach (var (relaxation, count) in requests)
            {
                var watch = Stopwatch.StartNew();
                radii[relaxation.Name] = ProgressBar.Run($"tightness {relaxation.Name}", count, advance =>
                    Radii(data.Images, data.Labels, count, batchSize, advance,
                        (x, y) => CertifiedRadius.Bisect(network, relaxation, x, y, max, steps)));
                seconds[relaxation.Name] = watch.Elapsed.TotalSeconds;
            }
            float[]? pgdRadii = null;
            if (result.GetValue(relative))
            {
                int count = requests.Max(r => r.Count);
                pgdRadii = ProgressBar.Run("PGD radius", count, advance =>
                    Radii(data.Images, data.Labels, count, batchSize, advance,
                        (x, y) => CertifiedRadius.PgdRadius(network, x, y, max, steps, pgdOptions, generator)));
            }
            Exact? exactResult = null;
            if (milp is not null)
            {
                int count = requests.Max(r => r.Count);
                var verifier = new Relaxation("milp", "complete MILP verifier", milp, certificationOnly: true);
                var watch = Stopwatch.StartNew();
                var exactRadii = ProgressBar.Run("exact radius (MILP)", count, advance =>
                    Radii(data.Images, data.Labels, count, batchSize, advance,
                        (x, y) => CertifiedRadius.Bisect(network, verifier, x, y, max, steps)));
                exactResult = new Exact(exactRadii, milp.TimeoutCount, milp.TimeLimitSeconds, watch.Elapsed.TotalSeconds);
            }
            Print(network.Architecture, requests, radii, seconds, pgdRadii, exactResult, steps, max);
            if (result.GetValue(json) is { } path)
                ResultJson.Write(path, ToJson(result.GetValue(model.Model)!, network.Architecture, total, requests, radii, pgdRadii, exactResult, max, result.GetValue(tol), steps));
            return 0;
        });
        return command;
    }

    sealed record Request(Relaxation Relaxation, int Count);

    /// <summary>The exact radii (MILP bisection), the number of MILP runs that timed out, the limit and the seconds taken.</summary>
    sealed record Exact(float[] Radii, int TimedOut, double TimeLimit, double Seconds);

    /// <summary>mean r_R over its first images / mean upper radius over the same images; null when that mean is 0 (all misclassified).</summary>
    static double? Ratio(float[] r, float[] upper)
    {
        double denominator = upper.Take(r.Length).Average(v => (double)v);
        return denominator > 0 ? r.Average(v => (double)v) / denominator : null;
    }

    static string RatioText(double? ratio) => ratio is { } v ? v.ToString("0.000") : "-";

    static List<Request> ParseRequests(string list, int n, RelaxationFlags flags, TorchSharp.torch.Generator generator)
    {
        var requests = new List<Request>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = item.LastIndexOf('@');
            int count = n;
            if (at >= 0 && (!int.TryParse(item[(at + 1)..], out count) || count < 1))
                throw new ParadoxException($"--relaxations: '{item}': the image count after @ must be a positive integer");
            var name = at >= 0 ? item[..at] : item;
            requests.Add(new Request(RelaxationOptions.Parse(name, flags, generator, "--relaxations")[0], count));
        }
        if (requests.Count == 0) throw new ParadoxException($"--relaxations: no relaxation given (known: {RelaxationCatalog.Names})");
        return requests;
    }

    static float[] Radii(Tensor images, Tensor labels, int count, int batchSize, Action<int> advance, Func<Tensor, Tensor, Tensor> radius)
    {
        var all = new List<float>();
        for (int start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(batchSize, count - start);
            all.AddRange(radius(images.narrow(0, start, size), labels.narrow(0, start, size)).cpu().data<float>().ToArray());
            advance(size);
        }
        return all.ToArray();
    }

    static double Score(float[] radii) => 100 * radii.Average(r => (double)r);

    static void Print(string net, List<Request> requests, Dictionary<string, float[]> radii, Dictionary<string, double> seconds, float[]? pgd,
        Exact? exact, int steps, double max)
    {
        var upper = exact?.Radii ?? pgd;
        var upperName = exact is not null ? "exact" : "PGD";
        var table = new Table().Title(Markup.Escape($"tightness on {net} (100 x mean certified radius; bisection on [0, {max}], {steps} halvings)"))
            .AddColumn("relaxation").AddColumn(new TableColumn("images").RightAligned()).AddColumn(new TableColumn("tightness").RightAligned())
            .AddColumn(new TableColumn($"relative to {upperName}").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var (relaxation, count) in requests)
        {
            var r = radii[relaxation.Name];
            var ratio = upper is null ? "" : RatioText(Ratio(r, upper));
            var label = relaxation.IsEstimate ? $"{relaxation.Name} (estimate, not a certificate)" : relaxation.Name;
            table.AddRow(Markup.Escape(label), count.ToString(), Score(r).ToString("0.000"), ratio, seconds[relaxation.Name].ToString("0.0"));
        }
        if (exact is not null) table.AddRow("exact (MILP)", exact.Radii.Length.ToString(), Score(exact.Radii).ToString("0.000"), "1", exact.Seconds.ToString("0.0"));
        if (pgd is not null) table.AddRow("PGD (upper radius)", pgd.Length.ToString(), Score(pgd).ToString("0.000"), exact is null ? "1" : RatioText(Ratio(pgd, exact.Radii)), "");
        AnsiConsole.Write(table);
        if (exact is not null)
            AnsiConsole.MarkupLine(Markup.Escape($"exact: {exact.TimedOut} MILP run(s) timed out (limit {exact.TimeLimit} s per image and eps; such an eps counts as not certified, so those radii are lower bounds)"));
    }

    static JsonObject ToJson(string modelPath, string net, int n, List<Request> requests, Dictionary<string, float[]> radii, float[]? pgd,
        Exact? exact, double epsMax, double tol, int steps)
    {
        JsonArray Numbers(IEnumerable<float> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        var json = new JsonObject
        {
            ["network"] = net,
            ["model"] = modelPath,
            ["n"] = n,
            ["images"] = new JsonObject(requests.Select(r => KeyValuePair.Create(r.Relaxation.Name, (JsonNode?)r.Count))),
            ["eps_max"] = epsMax,
            ["tol"] = tol,
            ["halvings"] = steps,
            ["tightness"] = new JsonObject(requests.Select(r => KeyValuePair.Create(r.Relaxation.Name, (JsonNode?)Score(radii[r.Relaxation.Name])))),
            ["radii"] = new JsonObject(requests.Select(r => KeyValuePair.Create(r.Relaxation.Name, (JsonNode?)Numbers(radii[r.Relaxation.Name])))),
        };
        if (pgd is not null)
        {
            json["pgd_tightness"] = Score(pgd);
            json["pgd_radii"] = Numbers(pgd);
        }
        if (exact is not null)
        {
            json["exact_tightness"] = Score(exact.Radii);
            json["exact_radii"] = Numbers(exact.Radii);
            json["exact_timeouts"] = exact.TimedOut;
            json["milp_time_limit"] = exact.TimeLimit;
        }
        // `relative` is mean r_R / mean r_upper, with the exact radius as r_upper when --exact is given, else PGD's.
        if ((exact?.Radii ?? pgd) is { } upper)
        {
            json["relative_to"] = exact is not null ? "exact" : "pgd";
            json["relative"] = new JsonObject(requests.Select(r => KeyValuePair.Create(r.Relaxation.Name,
                (JsonNode?)Ratio(radii[r.Relaxation.Name], upper))));
        }
        var estimates = requests.Where(r => r.Relaxation.IsEstimate).Select(r => r.Relaxation.Name).ToArray();
        if (estimates.Length > 0) json["estimated_note"] = $"{string.Join(", ", estimates)}: estimate, not a certificate";
        return json;
    }
}
