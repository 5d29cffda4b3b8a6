using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Paradox.Networks;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Paradox.Tests.Interop;

/// <summary>Builds small ONNX graphs in the tests, and runs ONNX files with OnnxRuntime (the reference).</summary>
sealed class OnnxTestGraph
{
    readonly GraphProto graph = new() { Name = "test" };
    readonly Generator generator;
    int names;
    public string Current { get; private set; } = "x";

    public OnnxTestGraph(long[] inputShape, ulong seed = 1)
    {
        generator = new Generator(seed);
        graph.Input.Add(Value("x", inputShape));
    }

    public string Constant(params long[] shape) => Constant(randn(shape, generator: generator) * 0.5);

    public string Constant(Tensor value)
    {
        var name = $"c{names++}";
        graph.Initializer.Add(Paradox.Interop.OnnxTensors.Float32(name, value));
        return name;
    }

    public string Ints(params long[] values)
    {
        var name = $"c{names++}";
        graph.Initializer.Add(Paradox.Interop.OnnxTensors.Int64s(name, values));
        return name;
    }

    /// <summary>Adds a node whose first input is the current data (unless <paramref name="inputs"/> names it) and makes
    /// its output current.</summary>
    public OnnxTestGraph Node(string op, string[]? inputs = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}{graph.Node.Count}" };
        node.Input.AddRange(inputs ?? [Current]);
        var output = $"v{names++}";
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        Current = output;
        return this;
    }

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
    public static AttributeProto Float(string name, float v) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };
    public static AttributeProto Ints(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }
    public static AttributeProto TensorAttr(string name, Tensor t) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = Paradox.Interop.OnnxTensors.Float32("", t) };

    public byte[] Bytes()
    {
        var g = graph.Clone();
        g.Output.Add(new ValueInfoProto
        {
            Name = Current, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } }
        });
        var model = new ModelProto { IrVersion = 8, Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    static ValueInfoProto Value(string name, long[] shape)
    {
        var s = new TensorShapeProto();
        foreach (var d in shape) s.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = s } }
        };
    }

    /// <summary>OnnxRuntime's output for one input (given flat, with the model's input shape).</summary>
    public static float[] Run(byte[] model, float[] input, long[] shape)
    {
        using var session = new InferenceSession(model);
        var name = session.InputMetadata.Keys.Single();
        var t = new DenseTensor<float>(input, shape.Select(d => (int)d).ToArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(name, t)]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    /// <summary>Paradox's forward pass of the network on a flat input.</summary>
    public static float[] Forward(Network network, float[] input)
    {
        using var _ = no_grad();
        using var x = tensor(input).reshape([1, .. network.Layers[0].InputShape]);
        using var y = network.Forward(x);
        return y.data<float>().ToArray();
    }
}
