using Paradox.Data;
using Paradox.Interop;
using Paradox.Networks;
using Xunit;
using static Paradox.Tests.Interop.OnnxTestGraph;
using static TorchSharp.torch;

namespace Paradox.Tests.Interop;

/// <summary>
/// ONNX export is checked against OnnxRuntime and by re-importing; import is checked per supported op on graphs built
/// here, with OnnxRuntime's output as the reference (1e-5).
/// </summary>
public class OnnxTests
{
    const double Tolerance = 1e-5;

    static float[] RandomInput(long[] shape, ulong seed)
    {
        using var t = rand(shape, generator: new Generator(seed));
        return t.data<float>().ToArray();
    }

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * (1 + Math.Abs(expected[i])),
                $"{what}: output {i} is {actual[i]}, expected {expected[i]}");
    }

    public static TheoryData<string, string> Architectures_ => new()
    {
        { "FC", "mnist" }, { "FC-SMALL", "mnist" }, { "fc1", "fashion-mnist" }, { "fc2", "mnist" }, { "fc4", "mnist" },
        { "CONV", "mnist" }, { "CONVPLUS", "cifar10" }, { "dm-medium", "mnist" }, { "dm-large", "cifar10" },
    };

    [Theory]
    [MemberData(nameof(Architectures_))]
    public void Export_matches_OnnxRuntime_and_reimports(string net, string dataset)
    {
        var info = DatasetInfo.Parse(dataset);
        using var network = Architectures.Build(net, info, generator: new Generator(7));
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.ToModel(network));
        long[] shape = [1, .. info.ImageShape];
        for (ulong seed = 0; seed < 2; seed++)
        {
            var x = RandomInput(shape, seed);
            var paradox = Forward(network, x);
            AssertClose(paradox, Run(bytes, x, shape), $"{net} OnnxRuntime");
            using var back = OnnxImporter.Read(bytes, "exported.onnx");
            AssertClose(paradox, Forward(back, x), $"{net} re-imported");
            using var withDataset = OnnxImporter.Read(bytes, "exported.onnx", info);
            Assert.Equal(info.ImageShape, withDataset.Layers[0].InputShape);
        }
    }

    [Fact]
    public void Export_keeps_the_normalize_layer()
    {
        using var network = Architectures.Build("CONV", DatasetInfo.Cifar10, generator: new Generator(3));
        var model = OnnxExporter.ToModel(network);
        Assert.Equal(["Sub", "Div"], model.Graph.Node.Take(2).Select(n => n.OpType));
        using var back = OnnxImporter.Read(Google.Protobuf.MessageExtensions.ToByteArray(model), "conv.onnx");
        var norm = Assert.IsType<NormalizeLayer>(back.Layers[0]); // Conv pads 1: the shift cannot fold into it
        Assert.Equal(DatasetInfo.Cifar10.Mean, norm.Mean.data<float>().ToArray());
    }

    /// <summary>Imports the graph, checks it against OnnxRuntime on random inputs and returns the network.</summary>
    static Network CheckImport(OnnxTestGraph g, long[] shape, string what)
    {
        var bytes = g.Bytes();
        var network = OnnxImporter.Read(bytes, what + ".onnx");
        for (ulong seed = 0; seed < 3; seed++)
        {
            var x = RandomInput(shape, seed + 10);
            for (int i = 0; i < x.Length; i++) x[i] = 2 * x[i] - 1; // negative inputs exercise ReLU
            AssertClose(Run(bytes, x, shape), Forward(network, x), what);
        }
        return network;
    }

    [Fact]
    public void Gemm_with_alpha_beta_and_transB()
    {
        var g = new OnnxTestGraph([1, 784]);
        g.Node("Gemm", [g.Current, g.Constant(784, 30), g.Constant(30)], Float("alpha", 0.5f), Float("beta", 2f));
        g.Node("Relu");
        g.Node("Gemm", [g.Current, g.Constant(10, 30), g.Constant(1, 10)], Int("transB", 1));
        using var n = CheckImport(g, [1, 784], "gemm");
        Assert.Equal(["Linear", "ReLU", "Linear"], n.Layers.Select(l => l.Kind));
    }

    [Fact]
    public void MatMul_and_Add_from_either_side_on_a_column_input()
    {
        var g = new OnnxTestGraph([1, 784, 1]);
        g.Node("MatMul", [g.Constant(20, 784), g.Current]);   // [20, 784] @ [1, 784, 1]
        g.Node("Add", [g.Constant(20, 1), g.Current]);
        g.Node("Relu");
        g.Node("Reshape", [g.Current, g.Ints(1, 20)]);
        g.Node("MatMul", [g.Current, g.Constant(20, 10)]);
        g.Node("Add", [g.Current, g.Constant(10)]);
        using var n = CheckImport(g, [1, 784, 1], "matmul");
        Assert.Equal(["Linear", "ReLU", "Linear"], n.Layers.Select(l => l.Kind)); // both Adds folded
    }

    [Fact]
    public void Sub_Div_Mul_by_constants_fold_into_the_next_layer()
    {
        var g = new OnnxTestGraph([1, 1, 28, 28]);
        g.Node("Sub", [g.Current, g.Constant(tensor(0.1307f))]);
        g.Node("Div", [g.Current, g.Constant(tensor(0.3081f))]);
        g.Node("Mul", [g.Current, g.Constant(1, 28, 28)]);     // per pixel: folds into the Gemm after Flatten
        g.Node("Flatten", null, Int("axis", 1));
        g.Node("Gemm", [g.Current, g.Constant(16, 784), g.Constant(16)], Int("transB", 1));
        g.Node("Sub", [g.Constant(16), g.Current]);            // constant minus data
        g.Node("Relu");
        g.Node("Div", [g.Current, g.Constant(tensor(new float[] { 2f }))]);
        g.Node("Gemm", [g.Current, g.Constant(16, 10)]);
        CheckImport(g, [1, 1, 28, 28], "arith").Dispose();
    }

    [Fact]
    public void Conv_with_stride_padding_and_batchnorm_on_a_colour_image()
    {
        var g = new OnnxTestGraph([1, 3, 32, 32]);
        g.Node("Sub", [g.Current, g.Constant(1, 3, 1, 1)]);   // per channel before a padded conv: a Normalize layer or 1x1 conv
        g.Node("Conv", [g.Current, g.Constant(8, 3, 4, 4), g.Constant(8)], Ints("kernel_shape", 4, 4), Ints("strides", 2, 2),
            Ints("pads", 1, 1, 1, 1));
        var scale = g.Constant(tensor(new float[] { 1.5f, 0.5f, 1, 2, 0.7f, 1.1f, 0.9f, 1.3f }));
        var bias = g.Constant(8);
        var mean = g.Constant(8);
        var variance = g.Constant(tensor(Enumerable.Range(1, 8).Select(i => 0.2f * i).ToArray()));
        g.Node("BatchNormalization", [g.Current, scale, bias, mean, variance], Float("epsilon", 1e-3f));
        g.Node("Relu");
        g.Node("Conv", [g.Current, g.Constant(4, 8, 3, 3)], Ints("strides", 1, 1));
        g.Node("Relu");
        g.Node("Flatten");
        g.Node("Gemm", [g.Current, g.Constant(10, 4 * 14 * 14), g.Constant(10)], Int("transB", 1));
        using var n = CheckImport(g, [1, 3, 32, 32], "conv");
        Assert.Equal(2, n.Layers.OfType<Conv2dLayer>().Count(c => c.Kernel > 1));
    }

    [Fact]
    public void Batchnorm_after_relu_becomes_a_layer()
    {
        var g = new OnnxTestGraph([1, 1, 28, 28]);
        g.Node("Conv", [g.Current, g.Constant(4, 1, 3, 3), g.Constant(4)], Ints("pads", 1, 1, 1, 1));
        g.Node("Relu");
        var neg = g.Constant(tensor(new float[] { -1f, 0.5f, 2f, 1f }));
        g.Node("BatchNormalization", [g.Current, neg, g.Constant(4), g.Constant(4), g.Constant(tensor(new float[] { 1, 2, 3, 4 }))]);
        g.Node("Relu");
        g.Node("Conv", [g.Current, g.Constant(2, 4, 3, 3)], Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2));
        g.Node("Flatten");
        g.Node("Gemm", [g.Current, g.Constant(2 * 14 * 14, 10)]);
        CheckImport(g, [1, 1, 28, 28], "bn").Dispose();
    }

    [Fact]
    public void Layout_ops_constant_and_identity()
    {
        var g = new OnnxTestGraph([1, 784]);
        g.Node("Reshape", [g.Current, g.Ints(1, 1, 28, 28)]);  // flat input read as an image
        g.Node("Identity");
        g.Node("Conv", [g.Current, g.Constant(3, 1, 5, 5), g.Constant(3)], Ints("strides", 3, 3));
        g.Node("Relu");
        g.Node("Reshape", [g.Current, g.Ints(1, -1)]);
        g.Node("Unsqueeze", [g.Current, g.Ints(2)]);           // [1, n, 1]
        g.Node("Transpose", null, Ints("perm", 0, 2, 1));      // [1, 1, n]: layout only
        g.Node("Squeeze", [g.Current, g.Ints(1)]);             // [1, n]
        var flat = g.Current;
        g.Node("Constant", [], TensorAttr("value", randn(10, 3 * 8 * 8, generator: new Generator(5))));
        var w = g.Current;
        g.Node("Constant", [], TensorAttr("value", randn(10, generator: new Generator(6))));
        var b = g.Current;
        g.Node("Gemm", [flat, w, b], Int("transB", 1));
        CheckImport(g, [1, 784], "layout").Dispose();
    }

    [Fact]
    public void Flatten_through_shape_gather_concat_reshape()
    {
        // PyTorch's x.view(x.size(0), -1) exported as a computed shape.
        var g = new OnnxTestGraph([1, 1, 28, 28]);
        var x = g.Current;
        g.Node("Shape", [x]);
        g.Node("Gather", [g.Current, g.Ints(0)], Int("axis", 0));
        g.Node("Concat", [g.Current, g.Ints(-1)], Int("axis", 0));
        g.Node("Cast", [g.Current], Int("to", 7));
        g.Node("Reshape", [x, g.Current]);
        g.Node("Gemm", [g.Current, g.Constant(10, 784), g.Constant(10)], Int("transB", 1));
        CheckImport(g, [1, 1, 28, 28], "shape").Dispose();
    }

    [Fact]
    public void Relaxations_bound_an_imported_network_with_folded_and_materialised_ops()
    {
        var g = new OnnxTestGraph([1, 1, 12, 12], seed: 4);
        g.Node("Sub", [g.Current, g.Constant(tensor(0.2f))]);
        g.Node("Conv", [g.Current, g.Constant(3, 1, 3, 3), g.Constant(3)], Ints("pads", 1, 1, 1, 1));
        g.Node("Relu");
        g.Node("BatchNormalization", [g.Current, g.Constant(tensor(new float[] { -1.5f, 0.5f, 2f })), g.Constant(3), g.Constant(3),
            g.Constant(tensor(new float[] { 1, 2, 3 }))]);
        g.Node("Relu");
        g.Node("Flatten");
        g.Node("MatMul", [g.Current, g.Constant(3 * 12 * 12, 4)]);
        g.Node("Add", [g.Current, g.Constant(4)]);
        using var network = CheckImport(g, [1, 1, 12, 12], "relax");
        using var x = rand([1, 1, 12, 12], generator: new Generator(9));
        var region = new Paradox.Relaxations.InputRegion((x - 0.05).clamp(0, 1), (x + 0.05).clamp(0, 1));
        using var samples = region.Lower + rand([500, 1, 12, 12], generator: new Generator(10)) * (region.Upper - region.Lower);
        using var outputs = network.Forward(samples);
        var spec = Paradox.Relaxations.FinalSpec.Merge(network, eye(4).unsqueeze(0), needUpper: true);
        foreach (var name in new[] { "box", "zono", "deeppoly", "triangle" })
        {
            var r = Paradox.Relaxations.RelaxationCatalog.Create(name).Engine.Bound(network, region, spec, false);
            Assert.True(r.Lower[0].le(outputs.min(0).values + 1e-5).all().item<bool>(), $"{name}: a lower bound above a sampled output");
            Assert.True(r.Upper![0].ge(outputs.max(0).values - 1e-5).all().item<bool>(), $"{name}: an upper bound below a sampled output");
        }
    }

    [Fact]
    public void Imported_network_with_a_dataset_takes_images()
    {
        var g = new OnnxTestGraph([1, 784]);
        g.Node("Gemm", [g.Current, g.Constant(10, 784), g.Constant(10)], Int("transB", 1));
        using var n = OnnxImporter.Read(g.Bytes(), "flat.onnx", DatasetInfo.Mnist);
        Assert.Equal(DatasetInfo.Mnist.ImageShape, n.Layers[0].InputShape);
        var ex = Assert.Throws<ParadoxException>(() => OnnxImporter.Read(g.Bytes(), "flat.onnx", DatasetInfo.Cifar10));
        Assert.Contains("flat.onnx", ex.Message);
    }

    [Fact]
    public void Unsupported_op_names_the_node_and_op()
    {
        var g = new OnnxTestGraph([1, 784]);
        g.Node("Gemm", [g.Current, g.Constant(10, 784)], Int("transB", 1));
        g.Node("Sigmoid");
        var ex = Assert.Throws<ParadoxException>(() => OnnxImporter.Read(g.Bytes(), "sig.onnx"));
        Assert.Contains("sig.onnx", ex.Message);
        Assert.Contains("sigmoid1", ex.Message);
        Assert.Contains("Sigmoid", ex.Message);
    }

    [Fact]
    public void Unsupported_attribute_names_the_attribute()
    {
        var g = new OnnxTestGraph([1, 4, 8, 8]);
        g.Node("Conv", [g.Current, g.Constant(4, 2, 3, 3)], Int("group", 2));
        var ex = Assert.Throws<ParadoxException>(() => OnnxImporter.Read(g.Bytes(), "group.onnx"));
        Assert.Contains("conv0", ex.Message);
        Assert.Contains("'group'", ex.Message);
    }

    [Fact]
    public void Branching_graph_is_refused()
    {
        var g = new OnnxTestGraph([1, 10]);
        var x = g.Current;
        g.Node("Relu");
        g.Node("Add", [g.Current, x]);
        var ex = Assert.Throws<ParadoxException>(() => OnnxImporter.Read(g.Bytes(), "res.onnx"));
        Assert.Contains("add1", ex.Message);
    }

    [Fact]
    public void Garbage_is_not_an_onnx_model()
    {
        var ex = Assert.Throws<ParadoxException>(() => OnnxImporter.Read([1, 2, 3, 255, 255], "junk.onnx"));
        Assert.Contains("junk.onnx", ex.Message);
    }
}
