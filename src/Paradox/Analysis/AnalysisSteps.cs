using System.Text.Json.Nodes;
using Paradox.Certification;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Reporting;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>The reference network of `paradox analyze` and where its test images come from.</summary>
public sealed record AnalysisSubject(string ModelPath, ModelFile.Hints Hints, string? DataDir, Device Device, long Seed);

/// <summary>
/// The steps of `paradox analyze` as library calls, each writing its file with the same content as the command of
/// the same name (`tightness`, `continuity`, `sensitivity`, `landscape`, `certify`) with default settings. Every
/// step starts from the seed, so its result depends only on its arguments (analyze caches by them).
/// </summary>
public static class AnalysisSteps
{
    /// <summary>How a step shows its progress: a title and a total, wrapping the work that reports units done.</summary>
    public delegate T Progress<T>(string title, int total, Func<Action<int>, T> work);

    static (Network Network, LabeledImages Data) Load(AnalysisSubject s, int n)
    {
        manual_seed(s.Seed);
        var network = ModelFile.Load(s.ModelPath, s.Hints, s.Device);
        try
        {
            var data = DatasetCatalog.Load(network.Dataset, train: false, s.DataDir);
            if (n >= data.Count) return (network, data);
            using (data) return (network, data.Take(n));
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The trainable relaxations of a step's `--relaxations` list (analyze checks the names with it before the
    /// first step).</summary>
    public static List<Relaxation> Trainable(string list, Generator? generator) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => RelaxationCatalog.CreateTrainable(name, null, generator, "--relaxations"))];

    public static void Tightness(AnalysisSubject s, string relaxations, int n, string jsonPath, Progress<float[]> progress)
    {
        using var generator = new Generator((ulong)s.Seed);
        var requests = TightnessRequest.Parse(relaxations, n, new RelaxationFlags(), generator);
        var (network, data) = Load(s, requests.Max(r => r.Count));
        using (network) using (data)
        {
            var report = Analysis.Tightness.Measure(s.ModelPath, network, data, n, requests, epsMax: 0.5, tol: 0.001, batchSize: 100,
                null, null, generator, (title, images, work) => progress(title, images, work));
            ResultJson.Write(jsonPath, TightnessJson.ToJson(report));
        }
    }

    public static void Continuity(AnalysisSubject s, string relaxations, double eps, int n, int directions, string jsonPath,
        Progress<ContinuityResult> progress)
    {
        var settings = new ContinuitySettings();
        using var generator = new Generator((ulong)s.Seed);
        var chosen = Trainable(relaxations, generator);
        var theory = chosen.Select(ContinuityTheory.Derive).ToList();
        var (network, data) = Load(s, n);
        using (network) using (data)
        {
            var x = data.Images.to(s.Device);
            var y = data.Labels.to(s.Device);
            using var directionGenerator = new Generator((ulong)s.Seed);
            var lines = Enumerable.Range(0, directions)
                .Select(_ => ParameterDirection.FilterNormalized(network, directionGenerator)).ToList();
            try
            {
                var empirical = Analysis.Continuity.Measure(network, chosen, x, y, eps, lines, settings, s.Seed, generator,
                    (title, budget, work) => progress(title, budget, work));
                var run = new ContinuityRun(network.Architecture, network.Dataset.Name, s.ModelPath, data.Count, eps, directions,
                    settings, s.Seed);
                ResultJson.Write(jsonPath, ContinuityJson.ToJson(theory, empirical, run));
            }
            finally
            {
                foreach (var d in lines) d.Dispose();
            }
        }
    }

    public static void Sensitivity(AnalysisSubject s, string relaxations, double eps, int n, int directions, string jsonPath,
        Progress<IReadOnlyList<LossProbe>> progress)
    {
        double[] scales = [1e-3, 1e-2, 1e-1];
        LossSensitivity.Validate(directions, scales);
        using var generator = new Generator((ulong)s.Seed);
        var chosen = Trainable(relaxations, generator);
        var (network, data) = Load(s, n);
        using (network) using (data)
        {
            using var x = data.Images.to(s.Device).clone();
            using var y = data.Labels.to(s.Device).clone();
            var losses = new[] { NamedLoss.Natural(x, y) }.Concat(chosen.Select(r => NamedLoss.Certified(r, x, y, eps))).ToList();
            var drawn = Enumerable.Range(0, directions).Select(_ => ParameterDirection.FilterNormalized(network, generator)).ToList();
            try
            {
                var probes = progress("sensitivity", losses.Count * (2 * directions * scales.Length + 1),
                    advance => LossSensitivity.Probe(network, losses, drawn, scales, advance));
                var rows = LossSensitivity.Relative(probes, probes[0]);
                var degrees = chosen.Select(r => BoundDegrees.Measure(network, r, x, y, eps)).OfType<BoundDegree>().ToList();
                var report = new SensitivityReport(s.ModelPath, network.Architecture, network.Dataset.Name, (int)y.shape[0], eps,
                    directions, scales, s.Seed, rows, degrees, SensitivityGroups.Compare(rows));
                ResultJson.Write(jsonPath, SensitivityJson.ToJson(report));
            }
            finally
            {
                foreach (var d in drawn) d.Dispose();
            }
        }
    }

    /// <summary>The 1-D landscape with a logarithmic loss axis: the PNG and the CSV.</summary>
    public static void Landscape(AnalysisSubject s, string relaxations, double eps, int n, string pngPath, string csvPath,
        Progress<LandscapeLine> progress)
    {
        var grid = LossLandscape.Grid(1.0, 51);
        using var generator = new Generator((ulong)s.Seed);
        var chosen = Trainable(relaxations, generator);
        var (network, data) = Load(s, n);
        using (network) using (data)
        {
            using var x = data.Images.to(s.Device).clone();
            using var y = data.Labels.to(s.Device).clone();
            var losses = chosen.Select(r => NamedLoss.Certified(r, x, y, eps)).ToList();
            var title = $"{Path.GetFileName(s.ModelPath)}: {network.Architecture} on {network.Dataset.Name}, eps = {eps}, " +
                $"{(int)y.shape[0]} images";
            using var direction = ParameterDirection.FilterNormalized(network, generator);
            var line = progress("landscape 1-D", grid.Length, advance => LossLandscape.Line(network, losses, direction, grid, advance));
            LandscapeCsv.Write(csvPath, LandscapeCsv.Format(line));
            LandscapePlot.Write(pngPath, LandscapePlot.Render(line, title, log: true));
        }
    }

    /// <summary>Certified accuracy (no PGD) of a trained model with one relaxation, in the schema of `certify --json`.</summary>
    public static void Certify(AnalysisSubject s, string domain, double eps, int n, string jsonPath, Progress<EvaluationResult> progress)
    {
        using var generator = new Generator((ulong)s.Seed);
        var relaxation = RelaxationCatalog.Create(domain, null, generator, "--trained");
        var (network, data) = Load(s, n);
        using (network) using (data)
        {
            var r = progress($"certify eps={eps}", data.Count, advance =>
                Evaluator.Run(network, data, eps, null, 100, [relaxation], SpecKind.Diffs, generator, advance));
            ResultJson.Write(jsonPath, ResultJson.ToJson(r));
        }
    }

    /// <summary>The cache key of a step: its name and arguments, one per line.</summary>
    public static string Key(params object?[] parts) =>
        string.Join("\n", parts.Select(p => p switch
        {
            double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => p?.ToString() ?? "",
        }));
}
