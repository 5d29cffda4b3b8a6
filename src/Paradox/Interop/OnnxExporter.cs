using Google.Protobuf;
using Onnx;
using Paradox.Networks;

namespace Paradox.Interop;

/// <summary>
/// Writes a <see cref="Network"/> as an ONNX model (opset 13): Normalize becomes Sub and Div by its constants, Flatten
/// Flatten(axis 1), Linear Gemm (transB), Conv2d Conv, ReLU Relu. The input `input` is [batch, ...image] with a symbolic
/// batch; the output `output` is [batch, classes].
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 13;

    public static ModelProto ToModel(Network network)
    {
        var graph = new GraphProto { Name = network.Architecture };
        string current = "input";
        int n = 0;
        string Next() => $"t{n++}";
        void Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = op, Name = $"{op}_{graph.Node.Count}" };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            node.Attribute.AddRange(attributes);
            graph.Node.Add(node);
        }
        for (int i = 0; i < network.Layers.Count; i++)
        {
            string output = i == network.Layers.Count - 1 ? "output" : Next();
            switch (network.Layers[i])
            {
                case NormalizeLayer norm:
                    {
                        graph.Initializer.Add(OnnxTensors.Float32($"layers.{i}.mean", norm.Mean));
                        graph.Initializer.Add(OnnxTensors.Float32($"layers.{i}.sigma", norm.Sigma));
                        string centred = Next();
                        Node("Sub", [current, $"layers.{i}.mean"], centred);
                        Node("Div", [centred, $"layers.{i}.sigma"], output);
                        break;
                    }
                case FlattenLayer:
                    Node("Flatten", [current], output, Attribute("axis", 1));
                    break;
                case ReluLayer:
                    Node("Relu", [current], output);
                    break;
                case LinearLayer linear:
                    graph.Initializer.Add(OnnxTensors.Float32($"layers.{i}.weight", linear.Weight));
                    graph.Initializer.Add(OnnxTensors.Float32($"layers.{i}.bias", linear.Bias));
                    Node("Gemm", [current, $"layers.{i}.weight", $"layers.{i}.bias"], output, Attribute("transB", 1));
                    break;
                case Conv2dLayer conv:
                    graph.Initializer.Add(OnnxTensors.Float32($"layers.{i}.weight", conv.Weight));
                    graph.Initializer.Add(OnnxTensors.Float32($"layers.{i}.bias", conv.Bias));
                    Node("Conv", [current, $"layers.{i}.weight", $"layers.{i}.bias"], output,
                        Attribute("kernel_shape", conv.Kernel, conv.Kernel), Attribute("strides", conv.Stride, conv.Stride),
                        Attribute("pads", conv.Padding, conv.Padding, conv.Padding, conv.Padding));
                    break;
                default:
                    throw new ParadoxException($"export: layer {i} ({network.Layers[i].Kind}) has no ONNX form");
            }
            current = output;
        }
        graph.Input.Add(Value("input", network.Layers[0].InputShape));
        graph.Output.Add(Value("output", network.Layers[^1].OutputShape));
        var model = new ModelProto { IrVersion = 8, ProducerName = "paradox", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    public static void Save(Network network, string path)
    {
        var bytes = ToModel(network).ToByteArray();
        IO.AtomicFile.Write(path, s => s.Write(bytes));
    }

    static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    static AttributeProto Attribute(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    static ValueInfoProto Value(string name, long[] perSample)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in perSample) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } }
        };
    }
}
