using System.Globalization;
using System.Text;
using Paradox.Data;
using Paradox.Interop;
using Paradox.Networks;
using Paradox.Tests.Cli;
using Paradox.Verification;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Interop;

/// <summary>
/// `verify` on networks whose answer is known. Every `sat` counterexample is checked independently: inside the box,
/// and the property holds on OnnxRuntime's outputs for it (float32, the exchanged file itself).
/// </summary>
[Collection(CliRunner.Collection)]
public class VerifyTests : IDisposable
{
    readonly ScratchDir dir = new();
    public void Dispose() => dir.Dispose();

    /// <summary>A fully connected ReLU network with the given weights (rows are output neurons).</summary>
    internal static Network Dense(params (double[,] W, double[] B)[] layers)
    {
        var list = new List<Layer>();
        for (int i = 0; i < layers.Length; i++)
        {
            var (w, b) = layers[i];
            var linear = new LinearLayer(w.GetLength(1), w.GetLength(0));
            linear.Replace("weight", tensor(w, dtype: float32));
            linear.Replace("bias", tensor(b, dtype: float32));
            list.Add(linear);
            if (i < layers.Length - 1) list.Add(new ReluLayer { InputShape = linear.OutputShape, OutputShape = linear.OutputShape });
        }
        var info = new DatasetInfo("test", 1, 1, layers[0].W.GetLength(1), layers[^1].W.GetLength(0), [], []);
        return new Network("test", info, false, list, CPU);
    }

    string WriteOnnx(string name, Network network)
    {
        var path = dir.File(name);
        OnnxExporter.Save(network, path);
        return path;
    }

    static string Box(double[] lower, double[] upper, int outputs, string output)
    {
        var s = new StringBuilder();
        for (int i = 0; i < lower.Length; i++) s.Append($"(declare-const X_{i} Real)\n");
        for (int j = 0; j < outputs; j++) s.Append($"(declare-const Y_{j} Real)\n");
        for (int i = 0; i < lower.Length; i++)
            s.Append(string.Create(CultureInfo.InvariantCulture, $"(assert (>= X_{i} {lower[i]:R}))\n(assert (<= X_{i} {upper[i]:R}))\n"));
        return s.Append($"(assert {output})\n").ToString();
    }

    /// <summary>The property "some class j != label scores at least as high as the label" on an eps-box around an image.</summary>
    static string Robustness(float[] image, int label, double eps, int classes)
    {
        var lower = image.Select(v => Math.Max(0, v - eps)).ToArray();
        var upper = image.Select(v => Math.Min(1, v + eps)).ToArray();
        var or = string.Join(" ", Enumerable.Range(0, classes).Where(j => j != label).Select(j => $"(and (>= Y_{j} Y_{label}))"));
        return Box(lower, upper, classes, $"(or {or})");
    }

    /// <summary>Asserts the counterexample lies in the box of some case whose atoms hold on OnnxRuntime's outputs.</summary>
    static void AssertCounterexample(VerifyOutcome outcome, VnnProperty property, string onnx, long[] shape)
    {
        Assert.Equal(Verdict.Sat, outcome.Verdict);
        var x = outcome.Input!;
        var y = OnnxTestGraph.Run(File.ReadAllBytes(onnx), x.Select(v => (float)v).ToArray(), shape).Select(v => (double)v).ToArray();
        Assert.Contains(property.Cases, c =>
            x.Select((v, i) => c.Lower[i] <= v && v <= c.Upper[i]).All(b => b) && c.Atoms.All(a => a.Holds(y)));
        for (int j = 0; j < y.Length; j++) Assert.True(Math.Abs(y[j] - outcome.Output![j]) <= 1e-4 * (1 + Math.Abs(y[j])));
    }

    VerifyOutcome Verify(string onnx, string vnnlibText, VerifyOptions? options = null)
    {
        var path = dir.File("p.vnnlib");
        File.WriteAllText(path, vnnlibText);
        using var network = OnnxImporter.Load(onnx);
        return new PropertyVerifier(options ?? new VerifyOptions(TimeoutSeconds: 120)).Verify(network, VnnLib.Load(path), new Generator(1));
    }

    [Fact]
    public void A_property_that_holds_is_unsat()
    {
        // Y0 = relu(x0) + relu(x1) + 1, Y1 = relu(x0) + relu(x1): Y1 >= Y0 never holds.
        using var net = Dense((new double[,] { { 1, 0 }, { 0, 1 } }, [0, 0]), (new double[,] { { 1, 1 }, { 1, 1 } }, [1, 0]));
        var onnx = WriteOnnx("holds.onnx", net);
        var outcome = Verify(onnx, Box([-1, -1], [1, 1], 2, "(>= Y_1 Y_0)"));
        Assert.Equal(Verdict.Unsat, outcome.Verdict);
        Assert.Equal("box", outcome.Method);
    }

    [Fact]
    public void PGD_finds_the_counterexample_away_from_the_centre()
    {
        // Y0 = relu(x0) - relu(-x0), Y1 = 0.2 + 0 x: Y1 >= Y0 + 0.5 needs x0 <= -0.3; the box centre x0 = 0.25 is safe.
        using var net = Dense((new double[,] { { 1 }, { -1 } }, [0, 0]), (new double[,] { { 1, -1 }, { 0, 0 } }, [0, 0.2]));
        var onnx = WriteOnnx("pgd.onnx", net);
        var text = Box([-0.5], [1], 2, "(>= Y_1 (+ Y_0 0.5))");
        var outcome = Verify(onnx, text);
        Assert.Equal("pgd", outcome.Method);
        AssertCounterexample(outcome, VnnLib.Parse(text, "p"), onnx, [1, 1]);
        Assert.True(outcome.Input![0] <= -0.3 + 1e-9);
    }

    [Fact]
    public void Only_milp_decides_the_duplicated_neuron()
    {
        // h1 = h2 = relu(x): Y0 = h1 - h2 is 0 everywhere, but every single-neuron relaxation lets it reach 0.5.
        using var net = Dense((new double[,] { { 1 }, { 1 } }, [0, 0]), (new double[,] { { 1, -1 }, { 0, 0 } }, [0, 0]));
        var onnx = WriteOnnx("milp.onnx", net);
        var text = Box([-1], [1], 2, "(>= Y_0 (+ Y_1 0.25))");
        var outcome = Verify(onnx, text);
        Assert.Equal(Verdict.Unsat, outcome.Verdict);
        Assert.Equal("milp", outcome.Method);
        // The same question on a relaxation-only budget stays open: the LP cannot prove it.
        using var network = OnnxImporter.Load(onnx);
        var property = VnnLib.Parse(text, "p");
        var region = new Paradox.Relaxations.InputRegion(tensor(new float[] { -1 }).reshape(1, 1), tensor(new float[] { 1 }).reshape(1, 1));
        var spec = new Paradox.Relaxations.FinalSpec(tensor(new float[] { -1, 1 }).reshape(1, 1, 2),
            tensor(new float[] { 0.25f }).reshape(1, 1), false);
        var lp = new TriangleLpEngine().Bound(network, region, spec, false).Lower.item<float>();
        Assert.True(lp < 0, $"the triangle LP should not prove it (bound {lp})");
    }

    [Fact]
    public void A_case_can_be_a_conjunction()
    {
        // Y0 = |x0|, Y1 = x0: Y0 <= 0.1 and Y1 >= 0.05 holds only on [0.05, 0.1]; the box centre -0.05 is not in it.
        using var net = Dense((new double[,] { { 1 }, { -1 } }, [0, 0]), (new double[,] { { 1, 1 }, { 1, -1 } }, [0, 0]));
        var onnx = WriteOnnx("and.onnx", net);
        var text = Box([-1], [0.9], 2, "(and (<= Y_0 0.1) (>= Y_1 0.05))");
        var outcome = Verify(onnx, text);
        Assert.Equal("pgd", outcome.Method);
        AssertCounterexample(outcome, VnnLib.Parse(text, "p"), onnx, [1, 1]);
        // Without PGD, the per-atom MILP cannot find a point of the conjunction (nor prove it empty): unknown, not a guess.
        Assert.Equal(Verdict.Unknown, Verify(onnx, text, new VerifyOptions(TimeoutSeconds: 120, PgdSteps: 0)).Verdict);
    }

    [Fact]
    public void Time_limit_answers_timeout()
    {
        using var net = Dense((new double[,] { { 1 }, { 1 } }, [0, 0]), (new double[,] { { 1, -1 }, { 0, 0 } }, [0, 0]));
        var onnx = WriteOnnx("slow.onnx", net);
        // PGD alone would run for a very long time; the 0.5 s limit stops it and nothing is decided.
        var outcome = Verify(onnx, Box([-1], [1], 2, "(>= Y_0 (+ Y_1 0.25))"),
            new VerifyOptions(TimeoutSeconds: 0.5, PgdSteps: 100_000_000));
        Assert.Equal(Verdict.Timeout, outcome.Verdict);
    }

    static (float[] Image, int Label) FirstCorrect(Network network)
    {
        using var data = DatasetCatalog.Load(DatasetInfo.Mnist, train: false).Take(20);
        using var _ = no_grad();
        using var logits = network.Forward(data.Images);
        var predicted = logits.argmax(1).data<long>().ToArray();
        var labels = data.Labels.data<long>().ToArray();
        int i = Enumerable.Range(0, labels.Length).First(k => predicted[k] == labels[k]);
        return (data.Images[i].contiguous().data<float>().ToArray(), (int)labels[i]);
    }

    [Theory]
    [InlineData("mnist_FC_box.pt", "FC", 0.5)]
    [InlineData("mnist_CONV_natural.pt", "CONV", 0.1)]
    public void Paper_models_are_unsat_at_a_tiny_eps_and_sat_at_a_large_one(string file, string net, double largeEps)
    {
        using var network = ModelFile.Load(TestPaths.Model(file), new ModelFile.Hints(net, DatasetInfo.Mnist, null));
        var onnx = WriteOnnx(net + ".onnx", network);
        var (image, label) = FirstCorrect(network);
        var tiny = Verify(onnx, Robustness(image, label, 0.001, 10));
        Assert.Equal(Verdict.Unsat, tiny.Verdict);
        var text = Robustness(image, label, largeEps, 10);
        var large = Verify(onnx, text);
        AssertCounterexample(large, VnnLib.Parse(text, "p"), onnx, [1, 1, 28, 28]);
    }

    [Fact]
    public void Shapes_that_do_not_match_are_an_error_naming_the_property()
    {
        using var net = Dense((new double[,] { { 1 }, { 1 } }, [0, 0]));
        var onnx = WriteOnnx("n.onnx", net);
        var ex = Assert.Throws<ParadoxException>(() => Verify(onnx, Box([0, 0], [1, 1], 2, "(>= Y_1 Y_0)")));
        Assert.Contains("p.vnnlib", ex.Message);
        Assert.Contains("2 inputs", ex.Message);
    }

    [Fact]
    public void Cli_prints_one_verdict_and_writes_the_result_file()
    {
        using var net = Dense((new double[,] { { 1 }, { -1 } }, [0, 0]), (new double[,] { { 1, -1 }, { 0, 0 } }, [0, 0.2]));
        var onnx = WriteOnnx("pgd.onnx", net);
        var prop = dir.File("p.vnnlib");
        File.WriteAllText(prop, Box([-0.5], [1], 2, "(>= Y_1 (+ Y_0 0.5))"));
        var (code, output, _) = CliRunner.RunCapturingOutput("verify", "--onnx", onnx, "--vnnlib", prop, "--result", dir.File("r.txt"),
            "--json", dir.File("r.json"));
        Assert.Equal(0, code);
        Assert.Equal("sat", output.Trim());
        var lines = File.ReadAllLines(dir.File("r.txt"));
        Assert.Equal("sat", lines[0]);
        Assert.StartsWith("((X_0 ", lines[1]);
        Assert.StartsWith(" (Y_0 ", lines[2]);
        Assert.EndsWith("))", lines[3]);
        Assert.Contains("\"verdict\": \"sat\"", File.ReadAllText(dir.File("r.json")));

        var (bad, _, errors) = CliRunner.RunCapturingOutput("verify", "--onnx", onnx, "--vnnlib", dir.File("absent.vnnlib"),
            "--result", dir.File("r2.txt"));
        Assert.Equal(2, bad);
        Assert.StartsWith("error: ", Assert.Single(errors));
        Assert.False(File.Exists(dir.File("r2.txt")));
    }

    [Fact]
    public void Benchmark_folder_writes_results_summarises_and_resumes()
    {
        using var holds = Dense((new double[,] { { 1, 0 }, { 0, 1 } }, [0, 0]), (new double[,] { { 1, 1 }, { 1, 1 } }, [1, 0]));
        using var pgd = Dense((new double[,] { { 1 }, { -1 } }, [0, 0]), (new double[,] { { 1, -1 }, { 0, 0 } }, [0, 0.2]));
        var bench = Directory.CreateDirectory(dir.File("bench")).FullName;
        Directory.CreateDirectory(Path.Combine(bench, "onnx"));
        OnnxExporter.Save(holds, Path.Combine(bench, "onnx", "holds.onnx"));
        var pgdBytes = Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.ToModel(pgd));
        dir.Write("bench/onnx/pgd.onnx.gz", pgdBytes, gzip: true);
        File.WriteAllText(Path.Combine(bench, "a.vnnlib"), Box([-1, -1], [1, 1], 2, "(>= Y_1 Y_0)"));
        dir.Write("bench/b.vnnlib.gz", Encoding.UTF8.GetBytes(Box([-0.5], [1], 2, "(>= Y_1 (+ Y_0 0.5))")), gzip: true);
        File.WriteAllText(Path.Combine(bench, "instances.csv"),
            "onnx/holds.onnx,a.vnnlib,30\nonnx/pgd.onnx.gz,b.vnnlib.gz,30\nonnx/missing.onnx,a.vnnlib,30\n");
        var results = Directory.CreateDirectory(dir.File("results")).FullName;
        string[] args = ["verify", "--instances", Path.Combine(bench, "instances.csv"), "--results-dir", results,
            "--csv", dir.File("summary.csv")];
        var (code, output, _) = CliRunner.RunCapturingOutput(args);
        Assert.Equal(0, code);
        Assert.Equal("unsat", File.ReadLines(Path.Combine(results, "holds__a.txt")).First());
        Assert.Equal("sat", File.ReadLines(Path.Combine(results, "pgd__b.txt")).First());
        Assert.Equal("error", File.ReadLines(Path.Combine(results, "missing__a.txt")).First());
        Assert.Matches(@"unsat\s*│\s*1", output);
        var summary = File.ReadAllLines(dir.File("summary.csv"));
        Assert.Equal(4, summary.Length);
        Assert.Contains(",sat,", summary[2]);

        // Resume: nothing is recomputed; a removed result is.
        File.Delete(Path.Combine(results, "pgd__b.txt"));
        File.WriteAllText(Path.Combine(results, "holds__a.txt"), "unknown\n");
        File.Delete(Path.Combine(results, "holds__a.json"));
        (code, output, _) = CliRunner.RunCapturingOutput(args);
        Assert.Equal(0, code);
        Assert.Contains("2 resumed", output);
        Assert.Equal("unknown", File.ReadLines(Path.Combine(results, "holds__a.txt")).First());
        Assert.Equal("sat", File.ReadLines(Path.Combine(results, "pgd__b.txt")).First());
    }

    [Fact]
    public void Help_names_the_program_paradox()
    {
        var (code, output, _) = CliRunner.RunCapturingOutput("verify", "--help");
        Assert.Equal(0, code);
        Assert.Contains("paradox verify [options]", output);
        Assert.DoesNotContain("Paradox.Cli", output);
    }
}
