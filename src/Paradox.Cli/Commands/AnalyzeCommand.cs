using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Paradox.Analysis;
using Paradox.Data;
using Paradox.IO;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Reporting;

namespace Paradox.Cli.Commands;

/// <summary>
/// `paradox analyze`: tightness, continuity, sensitivity, a loss landscape and (optionally) the certified
/// accuracy of trained models, combined into `report.md` and `report.json`. Each step is a library call
/// (<see cref="AnalysisSteps"/>, the same computation as the command of the same name); its output file in the
/// output directory is its cache, reused when the same arguments (its step key) produced it, so an interrupted
/// analysis resumes where it stopped.
/// </summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var relaxations = Cli.Option("relaxations", "Relaxations to compare (each `name[:variant][:key=value]`)",
            "box,hbox,zono,deeppoly,crown-ibp");
        var tightness = Cli.Option<string?>("tightness_relaxations",
            "Relaxations for tightness with image counts (`name@N`); default: the study's box, hbox@90, crown-ibp, zono@60, " +
            "deeppoly@30 for the default relaxations, else each at --tightness_n");
        var tightnessN = Cli.Option("tightness_n", "Test images for tightness", 1000);
        var eps = Cli.Option("eps", "Radius of the certified loss for continuity, sensitivity and the landscape", 0.1);
        var n = Cli.Option("n", "Test images in the loss batch for continuity, sensitivity and the landscape", 100);
        var directions = Cli.Option("directions", "Random directions for continuity and sensitivity", 3);
        var trained = Cli.Option<string?>("trained",
            "Models trained with each relaxation, `name=FILE,...`: their certified accuracy at --certify_eps");
        var certifyEps = Cli.Option<double?>("certify_eps", "Radius for the certified accuracy of --trained models (default --eps)");
        var certifyN = Cli.Option("certify_n", "Test images for the certified accuracy of --trained models", 1000);
        var output = Cli.Option("out", "Output directory (report.md, report.json, plots, cached steps)", "analysis");
        var command = new Command("analyze", """
            The paradox in one command: for a reference network (the study uses a NATURALLY trained one, e.g. the
            CONV network trained with --mode train-natural) it measures each relaxation's tightness (certified radius),
            continuity (theory from the ReLU rules and jumps of the loss along weight-space lines), sensitivity
            (how the certified loss reacts to weight changes, relative to the natural loss) and draws the loss
            landscape; with --trained it adds the certified accuracy of models trained with each relaxation.
            Writes DIR/report.md, DIR/report.json and the plots; re-running reuses finished steps.
            """);
        model.AddTo(command);
        foreach (var o in new Option[] { relaxations, tightness, tightnessN, eps, n, directions, trained, certifyEps, certifyN, output })
            command.Options.Add(o);
        command.SetBody(result =>
        {
            var dir = PrepareOutput(result.GetValue(output)!);
            var modelPath = result.GetValue(model.Model)!;
            if (!File.Exists(modelPath)) throw new ParadoxException($"--model: file not found: {modelPath}");
            var names = result.GetValue(relaxations)!;
            var device = Cli.ConfigureRuntime(result);
            var dataset = result.GetValue(model.Dataset) is { } datasetName ? DatasetInfo.Parse(datasetName) : null;
            bool? normalized = result.GetResult(model.Unnormalized) is null ? null : !result.GetValue(model.Unnormalized);
            var hints = new ModelFile.Hints(result.GetValue(model.Net), dataset, normalized);
            long seed = result.GetValue(Cli.Seed);
            var subject = new AnalysisSubject(modelPath, hints, result.GetValue(model.DataDir), device, seed);
            double e = result.GetValue(eps);
            int images = result.GetValue(n), k = result.GetValue(directions), tightnessImages = result.GetValue(tightnessN);
            Checks.Eps(e, finite: true);
            if (images < 1) throw new ParadoxException($"--n: must be at least 1 (got {images})");
            var tightnessList = result.GetValue(tightness)
                ?? (names == "box,hbox,zono,deeppoly,crown-ibp" ? "box,hbox@90,crown-ibp,zono@60,deeppoly@30" : names);
            var trainedModels = ParseTrained(result.GetValue(trained));
            // names are checked before the first step runs
            AnalysisSteps.Trainable(names, generator: null);
            TightnessRequest.Parse(tightnessList, tightnessImages, new RelaxationFlags(), null, "--tightness_relaxations");
            double certifyAt = result.GetValue(certifyEps) ?? e;
            int certifyImages = result.GetValue(certifyN);
            string Out(string name) => Path.Combine(dir, name);
            var common = AnalysisSteps.Key(modelPath, hints.Net, hints.Dataset?.Name, hints.Normalized, subject.DataDir, seed);

            var steps = new List<Step>
            {
                new("tightness", "tightness.json", AnalysisSteps.Key(common, tightnessList, tightnessImages),
                    () => AnalysisSteps.Tightness(subject, tightnessList, tightnessImages, Out("tightness.json"), ProgressBar.Run)),
                new("continuity", "continuity.json", AnalysisSteps.Key(common, names, e, images, k),
                    () => AnalysisSteps.Continuity(subject, names, e, images, k, Out("continuity.json"), ProgressBar.Run)),
                new("sensitivity", "sensitivity.json", AnalysisSteps.Key(common, names, e, images, k),
                    () => AnalysisSteps.Sensitivity(subject, names, e, images, k, Out("sensitivity.json"), ProgressBar.Run)),
                new("landscape", "landscape.png", AnalysisSteps.Key(common, names, e, images),
                    () => AnalysisSteps.Landscape(subject, names, e, images, Out("landscape.png"), Out("landscape.csv"), ProgressBar.Run)),
            };
            foreach (var (name, file) in trainedModels)
                steps.Add(new($"certified {name}", $"certified-{Safe(name)}.json",
                    AnalysisSteps.Key(common, file, name, certifyAt, certifyImages),
                    () => AnalysisSteps.Certify(subject with { ModelPath = file }, name, certifyAt, certifyImages,
                        Out($"certified-{Safe(name)}.json"), ProgressBar.Run)));

            for (int i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var target = Path.Combine(dir, step.File);
                var stamp = Path.Combine(dir, ".cache", step.File + ".args");
                // The cache is keyed by the step's arguments: a finished step is reused only for the same ones.
                var key = step.Name + "\n" + step.Key;
                if (File.Exists(target) && File.Exists(stamp) && File.ReadAllText(stamp) == key)
                {
                    Console.WriteLine($"[{i + 1}/{steps.Count}] {step.Name}: cached ({step.File})");
                    continue;
                }
                Console.WriteLine($"[{i + 1}/{steps.Count}] {step.Name}");
                step.Run();
                AtomicFile.WriteText(stamp, key);
            }

            var report = Compose(dir, modelPath, names, trainedModels);
            ResultJson.Write(Path.Combine(dir, "report.json"), report.Json);
            AtomicFile.WriteText(Path.Combine(dir, "report.md"), report.Markdown);
            Console.WriteLine(report.Markdown);
            Console.WriteLine($"report written to {Path.Combine(dir, "report.md")}");
            return 0;
        }, output);
        return command;
    }

    sealed record Step(string Name, string File, string Key, Action Run);

    static string PrepareOutput(string dir)
    {
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, ".cache"));
            var probe = Path.Combine(dir, ".cache", ".writable");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return Path.GetFullPath(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParadoxException($"--out: cannot write to {dir} ({e.Message})", e);
        }
    }

    static List<(string Name, string File)> ParseTrained(string? text)
    {
        var list = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(text)) return list;
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0)
                throw new ParadoxException($"--trained: '{item}' is not `relaxation=FILE`");
            if (!File.Exists(parts[1])) throw new ParadoxException($"--trained: file not found: {parts[1]}");
            list.Add((parts[0], parts[1]));
        }
        return list;
    }

    static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'));

    sealed record Report(JsonObject Json, string Markdown);

    /// <summary>The paradox table from the steps' JSON files.</summary>
    static Report Compose(string dir, string modelPath, string names, List<(string Name, string File)> trained)
    {
        JsonNode Read(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, file)))!;
        var tightness = Read("tightness.json");
        var continuity = Read("continuity.json");
        var sensitivity = Read("sensitivity.json");
        var certified = trained.ToDictionary(t => t.Name, t => Read($"certified-{Safe(t.Name)}.json"));
        var rows = sensitivity["losses"]!.AsArray().ToDictionary(r => (string)r!["name"]!, r => r!);

        var md = new StringBuilder();
        md.AppendLine($"# The paradox of certified training on `{Path.GetFileName(modelPath)}`").AppendLine();
        md.AppendLine($"Reference network: {tightness["network"]} (`{modelPath}`). Tightness: 100 x mean certified radius on the first " +
            $"{tightness["n"]} test images (bisection on [0, {tightness["eps_max"]}], {tightness["halvings"]} halvings). " +
            $"Continuity and sensitivity: the certified loss at eps {sensitivity["eps"]} on {sensitivity["n"]} test images, along " +
            $"{sensitivity["directions"]} filter-normalised weight-space directions; sensitivity is relative to the natural loss " +
            "(1 = as sensitive).").AppendLine();
        md.AppendLine("| Relaxation | Tightness | Continuous (theory) | Jumps found (empirical) | Sensitivity (perturbation) | " +
            "Curvature | Gradient-norm ratio | Certified (trained model) |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        var table = new JsonArray();
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            double? tight = tightness["tightness"]?[name] is { } t ? (double)t : null;
            var theory = continuity["theory"]?[name];
            var empirical = continuity["empirical"]?[name];
            bool? continuous = theory?["continuous"] is { } c ? (bool)c : null;
            int? jumps = empirical?["jumps_found"] is { } j ? (int)j : null;
            rows.TryGetValue(name, out var row);
            double? perturbation = row?["perturbation"]?["median"] is JsonValue p && p.TryGetValue<double>(out var pv) ? pv : null;
            double? curvature = row?["curvature"]?["median"] is JsonValue q && q.TryGetValue<double>(out var qv) ? qv : null;
            double? gradient = row?["gradient_norm_ratio"] is JsonValue g && g.TryGetValue<double>(out var gv) ? gv : null;
            double? cert = certified.TryGetValue(name, out var cj) && cj["certified"]?[name] is { } cv ? (double)cv : null;
            md.AppendLine($"| {name} | {Fmt(tight, "0.000")} | {(continuous is null ? "" : continuous.Value ? "yes" : "no")} | " +
                $"{(jumps?.ToString() ?? "")} | {Fmt(perturbation, "0.00")} | {Fmt(curvature, "0.00")} | {Fmt(gradient, "0.00")} | " +
                $"{(cert is null ? "" : (100 * cert.Value).ToString("0.0") + "%")} |");
            table.Add(new JsonObject
            {
                ["relaxation"] = name, ["tightness"] = tight, ["continuous_theory"] = continuous, ["jumps_found"] = jumps,
                ["sensitivity_perturbation"] = perturbation, ["sensitivity_curvature"] = curvature, ["gradient_norm_ratio"] = gradient,
                ["certified"] = cert,
            });
        }
        md.AppendLine();
        if (sensitivity["groups"]?["measures"] is JsonArray groups)
            foreach (var g in groups)
                md.AppendLine($"- Sensitivity, {g!["measure"]}: {{box, hbox}} vs {{deeppoly, crown-ibp, zono}} " +
                    $"{((bool?)g["separates"] == true ? "separate" : "do NOT separate")} on this network.");
        md.AppendLine().AppendLine("![certified loss along a random filter-normalised direction](landscape.png)").AppendLine();
        md.AppendLine("Files: `tightness.json`, `continuity.json`, `sensitivity.json`, `landscape.csv`" +
            string.Concat(trained.Select(t => $", `certified-{Safe(t.Name)}.json`")) + ".");
        var json = new JsonObject
        {
            ["model"] = modelPath,
            ["table"] = table,
            ["tightness"] = tightness.DeepClone(),
            ["continuity"] = continuity.DeepClone(),
            ["sensitivity"] = sensitivity.DeepClone(),
            ["certified"] = new JsonObject(certified.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.DeepClone()))),
            ["files"] = new JsonArray(
                "report.md", "tightness.json", "continuity.json", "sensitivity.json", "landscape.png", "landscape.csv"),
        };
        return new Report(json, md.ToString());
    }

    static string Fmt(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";
}
