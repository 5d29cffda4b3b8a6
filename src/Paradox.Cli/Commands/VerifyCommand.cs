using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paradox.Interop;
using Paradox.IO;
using Paradox.Verification;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>`paradox verify`: one ONNX network and VNNLIB property (a VNN-COMP verdict), or a benchmark folder.</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var onnx = Cli.Option<string?>("onnx", "The network (.onnx or .onnx.gz)");
        var vnnlib = Cli.Option<string?>("vnnlib", "The property (.vnnlib or .vnnlib.gz)");
        var timeout = Cli.Option("timeout", "Seconds for the whole instance; a case not decided in time is 'timeout'", 60.0);
        var resultFile = Cli.Option<string?>("result", "Write the VNN-COMP result file (verdict, and for sat the assignment of X and Y)");
        var json = Cli.Option<string?>("json", "Write the verdict, method, seconds and counterexample as JSON");
        var instances = Cli.Option<string?>("instances", "A VNN-COMP instances.csv (onnx,vnnlib,timeout per line, paths relative to it)");
        var resultsDir = Cli.Option<string?>("results-dir",
            "With --instances: the folder for one result file per instance (<onnx>__<vnnlib>.txt)");
        var scale = Cli.Option("timeout-scale", "With --instances: multiply every instance's timeout", 1.0);
        var csv = Cli.Option<string?>("csv", "With --instances: write one summary row per instance (verdict, seconds, method)");
        var restarts = Cli.Option("pgd_restarts", "PGD restarts per case of the property", 10);
        var steps = Cli.Option("pgd_steps", "PGD steps per restart", 100);
        var maxRelus = Cli.Option("milp_max_relus", "Largest network (ReLU neurons) given to the MILP verifier",
            Verification.MilpEngine.DefaultMaxRelus);
        var command = new Command("verify", "Decide a VNNLIB property on an ONNX network: prints one verdict line, unsat (proven), " +
            "sat (checked counterexample), unknown, timeout or error.");
        foreach (var o in new Option[] { onnx, vnnlib, timeout, resultFile, json, instances, resultsDir, scale, csv, restarts, steps,
            maxRelus })
            command.Options.Add(o);
        command.SetBody(result =>
        {
            var options = new VerifyOptions(result.GetValue(timeout), result.GetValue(restarts), result.GetValue(steps),
                result.GetValue(maxRelus));
            options.Validate();
            if (result.GetValue(instances) is { } list)
            {
                foreach (var (flag, given) in new[] { ("--onnx", result.GetValue(onnx)), ("--vnnlib", result.GetValue(vnnlib)),
                    ("--result", result.GetValue(resultFile)), ("--json", result.GetValue(json)) })
                    if (given is not null) throw new ParadoxException($"{flag}: not used with --instances");
                var dir = result.GetValue(resultsDir) ?? throw new ParadoxException("--results-dir: required with --instances");
                return Benchmark(result, list, dir, result.GetValue(scale), result.GetValue(csv), options);
            }
            foreach (var (flag, given) in new[] { ("--results-dir", result.GetValue(resultsDir)), ("--csv", result.GetValue(csv)) })
                if (given is not null) throw new ParadoxException($"{flag}: only with --instances");
            var net = result.GetValue(onnx) ?? throw new ParadoxException("--onnx: required (or --instances)");
            var prop = result.GetValue(vnnlib) ?? throw new ParadoxException("--vnnlib: required (or --instances)");
            OutputPath.Check(result.GetValue(resultFile), "--result");
            OutputPath.Check(result.GetValue(json), "--json");
            var device = Cli.ConfigureRuntime(result);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var property = VnnLib.Load(prop);
            var network = OnnxImporter.Load(net, device: device);
            VerifyOutcome outcome;
            try
            {
                outcome = new PropertyVerifier(
                        options with { TimeoutSeconds = Math.Max(1e-3, options.TimeoutSeconds - watch.Elapsed.TotalSeconds) })
                    .Verify(network, property, Cli.Generator(result));
            }
            catch (Exception e) when (e is not ParadoxException and not OutOfMemoryException)
            {
                outcome = new VerifyOutcome(Verdict.Error, "internal", watch.Elapsed.TotalSeconds, null, null, e.Message.Split('\n')[0]);
            }
            if (!outcome.StepStillRunning) network.Dispose(); // else the abandoned step still reads it
            outcome = outcome with { Seconds = watch.Elapsed.TotalSeconds };
            if (result.GetValue(resultFile) is { } rf)
                AtomicFile.Write(rf, s => s.Write(System.Text.Encoding.UTF8.GetBytes(VnnComp.ResultText(outcome))));
            if (result.GetValue(json) is { } jf) WriteJson(jf, VnnComp.Json(outcome, net, prop));
            Console.WriteLine(outcome.VerdictText);
            Console.Error.WriteLine($"paradox verify: {outcome.VerdictText} by {outcome.Method} in {outcome.Seconds:0.###} s " +
                $"({outcome.Detail})");
            return outcome.Verdict == Verdict.Error ? 1 : 0;
        });
        return command;
    }

    static void WriteJson(string path, JsonNode node) =>
        AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(
            node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n")));

    /// <summary>Every instance of the csv in turn; those with a result file are skipped (resume), errors do not stop the rest.</summary>
    static int Benchmark(System.CommandLine.ParseResult result, string list, string dir, double scale, string? csvPath,
        VerifyOptions options)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ParadoxException($"--timeout-scale: must be a number > 0 (got {scale})");
        var all = VnnComp.ReadInstances(list);
        if (!Directory.Exists(dir)) throw new ParadoxException($"--results-dir: directory {dir} does not exist");
        OutputPath.Check(csvPath, "--csv");
        var duplicate = all.GroupBy(i => i.ResultName).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ParadoxException($"{list}:{duplicate.Last().Line}: result name {duplicate.Key} " +
                $"repeats line {duplicate.First().Line}");
        Cli.ConfigureRuntime(result);
        var rows = new List<JsonObject>();
        int skipped = 0;
        ProgressBar.Run("verify", all.Count, advance =>
        {
            foreach (var instance in all)
            {
                var txt = Path.Combine(dir, instance.ResultName);
                var sidecar = Path.ChangeExtension(txt, ".json");
                if (File.Exists(txt))
                {
                    skipped++;
                    var verdict = File.ReadLines(txt).FirstOrDefault()?.Trim() ?? "error";
                    var known = File.Exists(sidecar) ? JsonNode.Parse(File.ReadAllText(sidecar))?.AsObject() : null;
                    rows.Add(known ?? new JsonObject
                    {
                        ["verdict"] = verdict, ["method"] = "resumed", ["seconds"] = 0.0, ["detail"] = "",
                        ["onnx"] = instance.Onnx, ["vnnlib"] = instance.VnnLib
                    });
                    advance(1);
                    continue;
                }
                var outcome = VnnComp.Run(instance.Onnx, instance.VnnLib, options with { TimeoutSeconds = instance.TimeoutSeconds * scale },
                    Cli.Generator(result));
                var row = VnnComp.Json(outcome, instance.Onnx, instance.VnnLib);
                WriteJson(sidecar, row);
                AtomicFile.Write(txt, s => s.Write(System.Text.Encoding.UTF8.GetBytes(VnnComp.ResultText(outcome))));
                rows.Add(row);
                if (!ProgressBar.Enabled)
                    Console.Error.WriteLine($"[{rows.Count}/{all.Count}] {instance.ResultName}: {outcome.VerdictText} " +
                        $"({outcome.Seconds:0.##} s){(outcome.Verdict == Verdict.Error ? " " + outcome.Detail : "")}");
                advance(1);
            }
            return 0;
        });
        var table = new Table().Title($"{all.Count} instances ({skipped} resumed)").AddColumn("verdict")
            .AddColumn(new TableColumn("count").RightAligned())
            .AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var verdict in new[] { "unsat", "sat", "unknown", "timeout", "error" })
        {
            var these = rows.Where(r => (string?)r["verdict"] == verdict).ToList();
            table.AddRow(verdict, these.Count.ToString(), these.Sum(r => (double?)r["seconds"] ?? 0).ToString("0.0"));
        }
        AnsiConsole.Write(table);
        if (csvPath is not null)
        {
            var lines = new List<string> { "onnx,vnnlib,verdict,seconds,method" };
            lines.AddRange(rows.Select(r => string.Join(",", Csv((string?)r["onnx"]), Csv((string?)r["vnnlib"]), (string?)r["verdict"],
                ((double?)r["seconds"] ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture), Csv((string?)r["method"]))));
            AtomicFile.Write(csvPath, s => s.Write(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n")));
        }
        return 0;
    }

    static string Csv(string? v) => v is null ? "" : v.Contains(',') || v.Contains('"') ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
}
