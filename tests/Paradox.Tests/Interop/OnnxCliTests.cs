using Paradox.Data;
using Paradox.Interop;
using Paradox.Networks;
using Paradox.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Interop;

/// <summary>`export`, and `--model NET.onnx` in the commands that take a model.</summary>
[Collection(CliRunner.Collection)]
public class OnnxCliTests : IDisposable
{
    readonly ScratchDir dir = new();
    public void Dispose() => dir.Dispose();

    [Fact]
    public void Export_then_certify_the_onnx_file_gives_the_same_numbers()
    {
        var onnx = dir.File("fc.onnx");
        var (code, _, errors) = CliRunner.RunCapturingOutput("export", "--model", TestPaths.Model("mnist_FC_box.pt"), "--net", "FC",
            "--dataset", "mnist", "--onnx", onnx);
        Assert.True(code == 0, string.Join("\n", errors));
        string[] common = ["--dataset", "mnist", "--eps", "0.1", "--domains", "box,deeppoly", "--n", "20", "--pgd_steps", "5"];
        (code, _, _) = CliRunner.RunCapturingOutput(["certify", "--model", onnx, "--json", dir.File("onnx.json"), .. common]);
        Assert.Equal(0, code);
        (code, _, _) = CliRunner.RunCapturingOutput(["certify", "--model", TestPaths.Model("mnist_FC_box.pt"), "--net", "FC",
            "--json", dir.File("pt.json"), .. common]);
        Assert.Equal(0, code);
        var a = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(dir.File("onnx.json")))!;
        var b = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(dir.File("pt.json")))!;
        foreach (var key in new[] { "box", "deeppoly" })
            Assert.Equal(b["certified"]![key]!.ToJsonString(), a["certified"]![key]!.ToJsonString());
    }

    [Fact]
    public void An_unsupported_onnx_model_is_one_error_line()
    {
        var g = new OnnxTestGraph([1, 4]);
        g.Node("Gemm", [g.Current, g.Constant(3, 4)], OnnxTestGraph.Int("transB", 1));
        g.Node("Tanh");
        var path = dir.Write("tanh.onnx", g.Bytes());
        var (code, errors) = CliRunner.Run("info", "--model", path);
        Assert.Equal(2, code);
        var line = Assert.Single(errors);
        Assert.StartsWith("error: ", line);
        Assert.Contains("tanh.onnx", line);
        Assert.Contains("Tanh", line);
    }
}
