using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Paradox.Verification;

namespace Paradox.Interop;

/// <summary>One line of a VNN-COMP `instances.csv`: paths resolved against the csv's folder.</summary>
public sealed record BenchmarkInstance(string Onnx, string VnnLib, double TimeoutSeconds, int Line)
{
    /// <summary>`<onnx stem>__<vnnlib stem>.txt`, stems without `.gz`, `.onnx` and `.vnnlib`.</summary>
    public string ResultName => $"{VnnComp.Stem(Onnx, ".onnx")}__{VnnComp.Stem(VnnLib, ".vnnlib")}.txt";
}

/// <summary>The files of VNN-COMP: benchmark lists and result files.</summary>
public static class VnnComp
{
    internal static string Stem(string path, string extension)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) name = name[..^3];
        if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) name = name[..^extension.Length];
        return name;
    }

    /// <summary>Reads `onnx,vnnlib,timeout` lines (blank lines skipped); errors name the file and line.</summary>
    public static List<BenchmarkInstance> ReadInstances(string csv)
    {
        if (!File.Exists(csv)) throw new ParadoxException($"--instances: file not found: {csv}");
        var dir = Path.GetDirectoryName(Path.GetFullPath(csv))!;
        var result = new List<BenchmarkInstance>();
        int line = 0;
        foreach (var raw in File.ReadLines(csv))
        {
            line++;
            if (raw.Trim().Length == 0) continue;
            var parts = raw.Split(',').Select(p => p.Trim()).ToArray();
            if (parts.Length != 3) throw new ParadoxException($"{csv}:{line}: expected onnx,vnnlib,timeout (found {parts.Length} fields)");
            if (!double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var timeout) || !(timeout > 0)
                || double.IsInfinity(timeout))
                throw new ParadoxException($"{csv}:{line}: timeout '{parts[2]}' is not a number of seconds > 0");
            result.Add(new BenchmarkInstance(Path.Combine(dir, parts[0]), Path.Combine(dir, parts[1]), timeout, line));
        }
        if (result.Count == 0) throw new ParadoxException($"{csv}: no instances");
        return result;
    }

    /// <summary>The VNN-COMP result file: the verdict, and for `sat` the assignment of every input and output.</summary>
    public static string ResultText(VerifyOutcome outcome)
    {
        var text = new StringBuilder(outcome.VerdictText).Append('\n');
        if (outcome is { Verdict: Verdict.Sat, Input: { } x, Output: { } y })
        {
            var entries = x.Select((v, i) => $"(X_{i} {Number(v)})").Concat(y.Select((v, i) => $"(Y_{i} {Number(v)})")).ToList();
            text.Append('(').Append(string.Join("\n ", entries)).Append(")\n");
        }
        return text.ToString();
    }

    /// <summary>The verdict and its details as JSON (the counterexample included).</summary>
    public static JsonObject Json(VerifyOutcome o, string? onnx = null, string? vnnlib = null)
    {
        var json = new JsonObject
        {
            ["verdict"] = o.VerdictText, ["method"] = o.Method, ["seconds"] = Math.Round(o.Seconds, 3), ["detail"] = o.Detail
        };
        if (onnx is not null) json["onnx"] = onnx;
        if (vnnlib is not null) json["vnnlib"] = vnnlib;
        if (o.Input is { } x && o.Output is { } y)
            json["counterexample"] = new JsonObject
            {
                ["x"] = new JsonArray(x.Select(v => (JsonNode)v).ToArray()), ["y"] = new JsonArray(y.Select(v => (JsonNode)v).ToArray())
            };
        return json;
    }

    static string Number(double v) => v == 0 ? "0" : v.ToString("R", CultureInfo.InvariantCulture); // no "-0"

    /// <summary>Loads the network and property of one instance and verifies it; any failure is the verdict `error`.</summary>
    public static VerifyOutcome Run(string onnx, string vnnlib, VerifyOptions options, TorchSharp.torch.Generator? generator = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var property = VnnLib.Load(vnnlib);
            var network = OnnxImporter.Load(onnx);
            var remaining = options with { TimeoutSeconds = Math.Max(1e-3, options.TimeoutSeconds - watch.Elapsed.TotalSeconds) };
            var outcome = new PropertyVerifier(remaining).Verify(network, property, generator);
            if (!outcome.StepStillRunning) network.Dispose(); // else the abandoned step still reads it
            return outcome with { Seconds = watch.Elapsed.TotalSeconds };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new VerifyOutcome(Verdict.Error, e is ParadoxException ? "input" : "internal", watch.Elapsed.TotalSeconds, null, null,
                e.Message.Split('\n')[0]);
        }
    }
}
