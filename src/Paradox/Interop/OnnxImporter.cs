using Google.Protobuf;
using Onnx;
using Paradox.Data;
using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Interop;

/// <summary>
/// Reads an ONNX graph that is a chain of affine maps and ReLUs into the <see cref="Network"/> layer list, so that
/// every relaxation, PGD and the LP/MILP verifiers run on it. Supported: Gemm, MatMul, Conv (group 1, square kernel,
/// equal strides and pads), Relu, BatchNormalization (folded), Add/Sub/Mul/Div with a constant, Flatten, Reshape,
/// Transpose/Squeeze/Unsqueeze that only change the layout, Constant and Identity. The data is one stream (batch 1);
/// element-wise affine ops are folded into the neighbouring Gemm/Conv, or become a Normalize layer, a 1x1 convolution
/// or a diagonal Linear layer when nothing can absorb them. Anything else is an error naming the node, op and attribute.
/// </summary>
public static class OnnxImporter
{
    public const string Architecture = "onnx";

    public static Network Load(string path, DatasetInfo? dataset = null, Device? device = null)
    {
        if (!File.Exists(path)) throw new ParadoxException($"--model: file not found: {path}");
        byte[] bytes;
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var gz = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
                using var memory = new MemoryStream();
                gz.CopyTo(memory);
                bytes = memory.ToArray();
            }
            catch (InvalidDataException e) { throw new ParadoxException($"{path}: not a gzip file ({e.Message})"); }
        }
        else bytes = File.ReadAllBytes(path);
        return Read(bytes, path, dataset, device);
    }

    /// <summary>Parses ONNX bytes; <paramref name="source"/> names the file in errors. With a dataset the network takes
    /// its image shape.</summary>
    public static Network Read(byte[] bytes, string source, DatasetInfo? dataset = null, Device? device = null)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e) { throw new ParadoxException($"{source}: not an ONNX model ({e.Message})"); }
        if (model.Graph is null || model.Graph.Node.Count == 0) throw new ParadoxException($"{source}: not an ONNX model (no graph nodes)");
        using var scope = NewDisposeScope();
        var network = new GraphReader(source, model.Graph).Build(dataset, device ?? CPU);
        scope.Detach(network.Layers.SelectMany(LayerTensors));
        return network;
    }

    static IEnumerable<Tensor> LayerTensors(Layer layer) => layer switch
    {
        AffineLayer a => [a.Weight, a.Bias],
        NormalizeLayer n => [n.Mean, n.Sigma],
        _ => [],
    };

    abstract record Op;
    sealed record LinearOp(Tensor W, Tensor B) : Op;                                  // W [out, in], double
    sealed record ConvOp(Tensor W, Tensor B, long Stride, long Pad, long[] InShape) : Op; // W [o, i, k, k]
    sealed record ReluOp(long[] Shape) : Op;
    sealed record FlattenOp(long[] InShape) : Op;
    sealed record NormalizeOp(double[] Mean, double[] Sigma, long[] Shape) : Op;

    /// <summary>`x -> Scale * x + Shift` element-wise over the flat (C-order) data.</summary>
    sealed record Elementwise(Tensor Scale, Tensor Shift);

    sealed class GraphReader(string source, GraphProto graph)
    {
        readonly Dictionary<string, Tensor> constants = new();
        readonly List<Op> ops = [];
        string data = "";
        long[] onnxShape = [];   // the data's ONNX shape, batch 1
        long[] layerShape = [];  // what the layers so far produce: [C, H, W] or [n]
        long[] inputShape = [];  // the network's input (may be re-read as an image while no layer exists)
        Elementwise? pending;
        NodeProto node = null!;
        int nodeIndex;

        long Numel => onnxShape.Aggregate(1L, (a, b) => a * b);

        string NodeName => $"{source}: node '{(node.Name.Length > 0 ? node.Name : "#" + nodeIndex)}' ({node.OpType})";

        ParadoxException Unsupported(string what) => new($"{NodeName}: {what} is not supported");

        public Network Build(DatasetInfo? dataset, Device device)
        {
            foreach (var init in graph.Initializer) constants[init.Name] = OnnxTensors.Read(init, $"{source}: initializer");
            var inputs = graph.Input.Where(i => !constants.ContainsKey(i.Name)).ToList();
            if (inputs.Count != 1)
                throw new ParadoxException($"{source}: the graph has {inputs.Count} data inputs; exactly one is supported");
            if (graph.Output.Count != 1)
                throw new ParadoxException($"{source}: the graph has {graph.Output.Count} outputs; exactly one is supported");
            var dims = inputs[0].Type?.TensorType?.Shape?.Dim;
            if (dims is null || dims.Count == 0) throw new ParadoxException($"{source}: input '{inputs[0].Name}' has no shape");
            onnxShape = dims.Select((d, i) => d.HasDimValue && d.DimValue > 0 ? d.DimValue : 1L).ToArray();
            if (onnxShape.Length >= 2) onnxShape[0] = 1; // the batch
            data = inputs[0].Name;
            long[] perSample = onnxShape.Length >= 2 ? onnxShape[1..] : onnxShape;
            inputShape = layerShape = perSample.Length == 3 ? perSample : [Numel];

            for (nodeIndex = 0; nodeIndex < graph.Node.Count; nodeIndex++)
            {
                node = graph.Node[nodeIndex];
                if (node.Domain is { Length: > 0 } domain && domain != "ai.onnx")
                    throw new ParadoxException($"{NodeName}: operator domain '{domain}' is not supported");
                if (node.Input.Where(i => i.Length > 0).All(constants.ContainsKey)) { ConstantNode(); continue; }
                DataNode();
            }
            if (graph.Output[0].Name != data)
                throw new ParadoxException(
                    $"{source}: the graph output '{graph.Output[0].Name}' is not computed from the input by a chain of supported nodes");
            Flush(null);
            if (ops.LastOrDefault() is not LinearOp)
            {
                // The engines merge the specification into a last Linear layer: append the identity.
                EnsureVector();
                long n = layerShape[0];
                ops.Add(new LinearOp(eye(n, dtype: float64), zeros(n, dtype: float64)));
            }
            return ToNetwork(dataset, device);
        }

        // ---------------------------------------------------------------- constant folding

        void ConstantNode()
        {
            Tensor In(int i) => constants[node.Input[i]];
            Tensor result = node.OpType switch
            {
                "Constant" => ConstantValue(),
                "Identity" => In(0),
                "Transpose" => In(0).permute(
                    Ints("perm") ?? Enumerable.Range(0, (int)In(0).dim()).Reverse().Select(i => (long)i).ToArray()),
                "Reshape" => In(0).reshape(ReshapeTarget(In(0).shape, In(1))),
                "Flatten" => In(0).reshape(FlattenShape(In(0).shape)),
                "Squeeze" => In(0).reshape(SqueezeShape(In(0).shape)),
                "Unsqueeze" => In(0).reshape(UnsqueezeShape(In(0).shape)),
                "Shape" => tensor(In(0).shape),
                "Cast" => In(0),
                "Gather" => Gather(In(0), In(1)),
                "Concat" => cat(node.Input.Select(i => constants[i]).ToArray(), Int("axis", 0)),
                _ => throw Unsupported($"op {node.OpType} on constants"),
            };
            constants[node.Output[0]] = result;
        }

        Tensor Gather(Tensor values, Tensor indices)
        {
            long axis = Int("axis", 0);
            if (axis < 0) axis += values.dim();
            var flat = indices.to(ScalarType.Int64).reshape(-1);
            flat = where(flat.lt(0), flat + values.shape[axis], flat);
            var picked = values.index_select(axis, flat);
            long[] shape = [.. values.shape[..(int)axis], .. indices.shape, .. values.shape[(int)(axis + 1)..]];
            return picked.reshape(shape);
        }

        Tensor ConstantValue()
        {
            var a = node.Attribute.Single();
            return a.Name switch
            {
                "value" => OnnxTensors.Read(a.T, NodeName),
                "value_float" => tensor((double)a.F),
                "value_floats" => tensor(a.Floats.Select(f => (double)f).ToArray()),
                "value_int" => tensor(a.I),
                "value_ints" => tensor(a.Ints.ToArray()),
                _ => throw Unsupported($"attribute '{a.Name}'"),
            };
        }

        // ---------------------------------------------------------------- the data stream

        void DataNode()
        {
            if (node.OpType == "Shape" && node.Input.Count == 1 && node.Input[0] == data)
            {
                // Used by exporters to build a Reshape target (x.view(x.size(0), -1)); the batch is one sample.
                constants[node.Output[0]] = tensor(onnxShape);
                return;
            }
            var dataInputs = node.Input.Where(i => i.Length > 0 && !constants.ContainsKey(i)).Distinct().ToList();
            if (dataInputs.Count != 1 || dataInputs[0] != data)
                throw new ParadoxException($"{NodeName}: takes {(dataInputs.Count == 1
                    ? $"'{dataInputs[0]}', which is not the current data"
                    : $"{dataInputs.Count} non-constant inputs")}; only a chain of layers is supported");
            int at = node.Input.IndexOf(data);
            switch (node.OpType)
            {
                case "Identity": Allow(); break;
                case "Relu": Allow(); Relu(); break;
                case "Gemm": Allow("alpha", "beta", "transA", "transB"); Gemm(at); break;
                case "MatMul": Allow(); MatMul(at); break;
                case "Conv": Allow("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"); Conv(at); break;
                case "BatchNormalization": Allow("epsilon", "momentum", "training_mode"); BatchNorm(at); break;
                case "Add": case "Sub": case "Mul": case "Div": Allow(); Arithmetic(at); break;
                case "Flatten": Allow("axis"); Relayout(FlattenShape(onnxShape)); break;
                case "Reshape": Allow("allowzero"); Relayout(ReshapeTarget(onnxShape, Constant(1, "shape"))); break;
                case "Squeeze": Allow("axes"); Relayout(SqueezeShape(onnxShape)); break;
                case "Unsqueeze": Allow("axes"); Relayout(UnsqueezeShape(onnxShape)); break;
                case "Transpose": Allow("perm"); Transpose(); break;
                default: throw Unsupported($"op {node.OpType}");
            }
            if (node.Output.Count != 1) throw Unsupported($"{node.Output.Count} outputs");
            data = node.Output[0];
        }

        void Allow(params string[] names)
        {
            foreach (var a in node.Attribute)
                if (!names.Contains(a.Name)) throw Unsupported($"attribute '{a.Name}'");
        }

        AttributeProto? Attr(string name) => node.Attribute.FirstOrDefault(a => a.Name == name);
        long Int(string name, long fallback) => Attr(name) is { } a ? a.I : fallback;
        double Float(string name, double fallback) => Attr(name) is { } a ? a.F : fallback;
        long[]? Ints(string name) => Attr(name)?.Ints.ToArray();

        Tensor Constant(int index, string what)
        {
            if (node.Input.Count <= index || node.Input[index].Length == 0)
                throw new ParadoxException($"{NodeName}: missing input '{what}'");
            return constants[node.Input[index]];
        }

        Tensor? OptionalConstant(int index) =>
            node.Input.Count > index && node.Input[index].Length > 0 ? constants[node.Input[index]] : null;

        void Relu()
        {
            Flush(null);
            ops.Add(new ReluOp(layerShape));
        }

        void Gemm(int at)
        {
            if (at != 0) throw Unsupported("a constant first input (input A must be the data)");
            if (Int("transA", 0) != 0) throw Unsupported("attribute 'transA' = 1");
            if (onnxShape.Length != 2) throw Unsupported($"an input of rank {onnxShape.Length} (Gemm needs [batch, n])");
            var b = Constant(1, "B");
            if (b.dim() != 2) throw Unsupported("a B that is not a matrix");
            var w = Int("transB", 0) != 0 ? b : b.t();
            w = w * Float("alpha", 1.0);
            if (w.shape[1] != onnxShape[1]) throw new ParadoxException($"{NodeName}: B has {w.shape[1]} inputs, the data {onnxShape[1]}");
            long m = w.shape[0];
            var c = OptionalConstant(2);
            var bias = c is null ? zeros(m, dtype: float64) : Broadcast(c.to(float64) * Float("beta", 1.0), [1, m], "C").reshape(m);
            AddLinear(w.contiguous(), bias);
            onnxShape = [1, m];
        }

        void MatMul(int at)
        {
            var w = Constant(1 - at, "weights").to(float64);
            if (w.dim() != 2) throw Unsupported($"a constant operand of rank {w.dim()} (a matrix is needed)");
            long n = Numel;
            if (at == 0)
            {
                // data [.., n] @ W [n, m]
                if (onnxShape[^1] != n || w.shape[0] != n)
                    throw Unsupported($"data of shape [{string.Join(", ", onnxShape)}] times a [{w.shape[0]}, {w.shape[1]}] matrix");
                AddLinear(w.t().contiguous(), zeros(w.shape[1], dtype: float64));
                onnxShape = [.. onnxShape[..^1], w.shape[1]];
            }
            else
            {
                // W [m, n] @ data [.., n, 1]
                if (onnxShape.Length < 2 || onnxShape[^1] != 1 || onnxShape[^2] != n || w.shape[1] != n)
                    throw Unsupported($"a [{w.shape[0]}, {w.shape[1]}] matrix times data of shape [{string.Join(", ", onnxShape)}]");
                AddLinear(w.contiguous(), zeros(w.shape[0], dtype: float64));
                onnxShape = [.. onnxShape[..^2], w.shape[0], 1];
            }
        }

        void AddLinear(Tensor w, Tensor b)
        {
            var op = Flush(new LinearOp(w, b));
            EnsureVector();
            if (layerShape[0] != w.shape[1])
                throw new ParadoxException($"{NodeName}: the weights take {w.shape[1]} inputs, the data has {layerShape[0]} values");
            ops.Add(op!);
            layerShape = [w.shape[0]];
        }

        void Conv(int at)
        {
            if (at != 0) throw Unsupported("a constant data input");
            var w = Constant(1, "W").to(float64);
            if (w.dim() != 4) throw Unsupported($"a {w.dim() - 2}-D convolution (only 2-D)");
            if (Int("group", 1) != 1) throw Unsupported($"attribute 'group' = {Int("group", 1)}");
            if (Attr("auto_pad") is { } ap && ap.S.ToStringUtf8() is var mode && mode != "NOTSET" && mode != "VALID")
                throw Unsupported($"attribute 'auto_pad' = {mode}");
            if (Ints("dilations") is { } d && d.Any(v => v != 1)) throw Unsupported($"attribute 'dilations' = [{string.Join(", ", d)}]");
            if (Ints("kernel_shape") is { } ks && !ks.SequenceEqual(w.shape[2..]))
                throw Unsupported($"attribute 'kernel_shape' = [{string.Join(", ", ks)}] (differs from the weights)");
            if (w.shape[2] != w.shape[3])
                throw Unsupported($"attribute 'kernel_shape' = [{w.shape[2]}, {w.shape[3]}] (only square kernels)");
            var strides = Ints("strides") ?? [1, 1];
            if (strides.Length != 2 || strides[0] != strides[1])
                throw Unsupported($"attribute 'strides' = [{string.Join(", ", strides)}] (only equal strides)");
            var pads = Ints("pads") ?? [0, 0, 0, 0];
            if (pads.Length != 4 || pads.Distinct().Count() != 1)
                throw Unsupported($"attribute 'pads' = [{string.Join(", ", pads)}] (only equal pads on every side)");
            if (onnxShape.Length != 4)
                throw Unsupported($"an input of shape [{string.Join(", ", onnxShape)}] (a convolution needs [batch, C, H, W])");
            long[] image = onnxShape[1..];
            if (w.shape[1] != image[0])
                throw new ParadoxException($"{NodeName}: the weights take {w.shape[1]} channels, the data has {image[0]}");
            var bias = OptionalConstant(2)?.to(float64).reshape(-1) ?? zeros(w.shape[0], dtype: float64);
            EnsureImage(image);
            var op = Flush(new ConvOp(w, bias, strides[0], pads[0], image));
            ops.Add(op!);
            long k = w.shape[2], s = strides[0], p = pads[0];
            layerShape = [w.shape[0], (image[1] + 2 * p - k) / s + 1, (image[2] + 2 * p - k) / s + 1];
            onnxShape = [1, .. layerShape];
        }

        void BatchNorm(int at)
        {
            if (at != 0) throw Unsupported("a constant data input");
            if (Int("training_mode", 0) != 0) throw Unsupported("attribute 'training_mode' = 1");
            if (onnxShape.Length < 2) throw Unsupported("an input without a channel axis");
            Tensor P(int i, string name) => Constant(i, name).to(float64).reshape(-1);
            var scale = P(1, "scale") / (P(4, "var") + Float("epsilon", 1e-5)).sqrt();
            var shift = P(2, "B") - P(3, "mean") * scale;
            long[] channelShape = [1, onnxShape[1], .. Enumerable.Repeat(1L, onnxShape.Length - 2)];
            Compose(Flat(Broadcast(scale.reshape(channelShape), onnxShape, "scale")),
                Flat(Broadcast(shift.reshape(channelShape), onnxShape, "B")));
        }

        void Arithmetic(int at)
        {
            var c = Flat(Broadcast(Constant(1 - at, "constant").to(float64), onnxShape, "constant"));
            var one = ones_like(c);
            var zero = zeros_like(c);
            switch (node.OpType, at)
            {
                case ("Add", _): Compose(one, c); break;
                case ("Sub", 0): Compose(one, -c); break;
                case ("Sub", 1): Compose(-one, c); break;
                case ("Mul", _): Compose(c, zero); break;
                case ("Div", 0):
                    if (!c.ne(0).all().item<bool>()) throw Unsupported("division by a constant with zeros");
                    Compose(1 / c, zero);
                    break;
                default: throw Unsupported("division of a constant by the data");
            }
        }

        Tensor Broadcast(Tensor c, long[] shape, string what)
        {
            if (c.dim() > shape.Length) throw Unsupported($"a constant '{what}' of rank {c.dim()} on data of rank {shape.Length}");
            for (int i = 1; i <= c.dim(); i++)
                if (c.shape[^i] != 1 && c.shape[^i] != shape[^i])
                    throw Unsupported(
                        $"a constant '{what}' of shape [{string.Join(", ", c.shape)}] on data of shape [{string.Join(", ", shape)}]");
            return c.broadcast_to(shape);
        }

        static Tensor Flat(Tensor t) => t.contiguous().reshape(-1);

        void Compose(Tensor scale, Tensor shift) =>
            pending = pending is null
                ? new Elementwise(scale, shift)
                : new Elementwise(scale * pending.Scale, scale * pending.Shift + shift);

        void Transpose()
        {
            var perm = Ints("perm") ?? Enumerable.Range(0, onnxShape.Length).Reverse().Select(i => (long)i).ToArray();
            var moved = perm.Where(p => onnxShape[p] != 1).ToArray();
            for (int i = 1; i < moved.Length; i++)
                if (moved[i] < moved[i - 1])
                    throw Unsupported($"attribute 'perm' = [{string.Join(", ", perm)}] (it reorders the data, not only the layout)");
            Relayout(perm.Select(p => onnxShape[p]).ToArray());
        }

        /// <summary>A new ONNX shape over the same C-order data (Flatten, Reshape, Squeeze, Unsqueeze, trivial Transpose).</summary>
        void Relayout(long[] shape)
        {
            if (shape.Aggregate(1L, (a, b) => a * b) != Numel)
                throw new ParadoxException($"{NodeName}: the new shape [{string.Join(", ", shape)}] does not hold {Numel} values");
            onnxShape = shape;
        }

        long[] FlattenShape(long[] shape)
        {
            int axis = (int)Int("axis", 1);
            if (axis < 0) axis += shape.Length;
            return [shape[..axis].Aggregate(1L, (a, b) => a * b), shape[axis..].Aggregate(1L, (a, b) => a * b)];
        }

        long[] ReshapeTarget(long[] shape, Tensor target)
        {
            var t = target.to(ScalarType.Int64).data<long>().ToArray();
            var result = t.Select((v, i) => v == 0 && Int("allowzero", 0) == 0 ? shape[i] : v).ToArray();
            long known = result.Where(v => v != -1).Aggregate(1L, (a, b) => a * b), total = shape.Aggregate(1L, (a, b) => a * b);
            if (result.Count(v => v == -1) == 1) result[Array.IndexOf(result, -1L)] = known == 0 ? 0 : total / known;
            // A batch of 1: a symbolic batch reshape ([-1, n] or [n, -1] on one sample) stays one sample.
            return result;
        }

        long[] Axes(int inputIndex, int rank)
        {
            var axes = Ints("axes") ?? OptionalConstant(inputIndex)?.to(ScalarType.Int64).data<long>().ToArray();
            return axes?.Select(a => a < 0 ? a + rank : a).ToArray() ?? [];
        }

        long[] SqueezeShape(long[] shape)
        {
            var axes = Axes(1, shape.Length);
            if (axes.Length == 0) return shape.Where(d => d != 1).ToArray();
            if (axes.Any(a => shape[a] != 1)) throw Unsupported("squeezing an axis whose size is not 1");
            return shape.Where((d, i) => !axes.Contains(i)).ToArray();
        }

        long[] UnsqueezeShape(long[] shape)
        {
            var axes = Axes(1, shape.Length + (int)(Ints("axes")?.Length ?? OptionalConstant(1)?.numel() ?? 0));
            var result = new List<long>(shape);
            foreach (var a in axes.Order()) result.Insert((int)a, 1);
            return result.ToArray();
        }

        // ---------------------------------------------------------------- element-wise folding

        void EnsureVector()
        {
            if (layerShape.Length == 1) return;
            ops.Add(new FlattenOp(layerShape));
            layerShape = [layerShape.Aggregate(1L, (a, b) => a * b)];
        }

        void EnsureImage(long[] image)
        {
            if (layerShape.SequenceEqual(image)) return;
            if (ops.Count == 0 && layerShape.Aggregate(1L, (a, b) => a * b) == image.Aggregate(1L, (a, b) => a * b))
            {
                inputShape = layerShape = image; // nothing computed yet: the input is read as an image
                return;
            }
            throw Unsupported(
                $"turning data of shape [{string.Join(", ", layerShape)}] into an image [{string.Join(", ", image)}] after a layer");
        }

        /// <summary>Places the pending element-wise map: into the previous affine layer, the next one, or a layer of its own.</summary>
        Op? Flush(Op? next)
        {
            if (pending is not { } e) return next;
            pending = null;
            var (scale, shift) = e;
            if (ops.Count > 0 && ops[^1] is LinearOp prev)
            {
                ops[^1] = new LinearOp(prev.W * scale.unsqueeze(1), prev.B * scale + shift);
                return next;
            }
            if (ops.Count > 0 && ops[^1] is ConvOp pc && PerChannel(scale, shift, layerShape) is var (cs, ct))
            {
                ops[^1] = pc with { W = pc.W * cs.reshape(-1, 1, 1, 1), B = pc.B * cs + ct };
                return next;
            }
            if (next is LinearOp nl)
            {
                // W (s x + t) + b = (W diag s) x + (W t + b); the data is flat here (Flatten is layout only).
                return new LinearOp(nl.W * scale.unsqueeze(0), nl.B + nl.W.matmul(shift));
            }
            if (next is ConvOp nc && layerShape.Length == 3 && PerChannel(scale, shift, layerShape) is var (s, t)
                && (nc.Pad == 0 || t.eq(0).all().item<bool>()))
            {
                // Without padding a per-channel shift becomes a bias: sum over each filter's taps.
                return nc with { W = nc.W * s.reshape(1, -1, 1, 1), B = nc.B + (nc.W * t.reshape(1, -1, 1, 1)).sum([1, 2, 3]) };
            }
            if (layerShape.Length == 3 && PerChannel(scale, shift, layerShape) is var (ps, pt))
            {
                if (ops.Count == 0 && ps.gt(0).all().item<bool>())
                {
                    var sigma = (1 / ps);
                    ops.Add(new NormalizeOp((-pt * sigma).data<double>().ToArray(), sigma.data<double>().ToArray(), layerShape));
                }
                else
                    ops.Add(new ConvOp(diag(ps).reshape(ps.shape[0], ps.shape[0], 1, 1), pt, 1, 0, layerShape));
                return next;
            }
            EnsureVector();
            ops.Add(new LinearOp(diag(scale), shift));
            return next;
        }

        static (Tensor Scale, Tensor Shift)? PerChannel(Tensor scale, Tensor shift, long[] shape)
        {
            if (shape.Length != 3) return null;
            var s = scale.reshape(shape);
            var t = shift.reshape(shape);
            var s0 = s[.., 0, 0];
            var t0 = t[.., 0, 0];
            if (!s.eq(s0.reshape(-1, 1, 1)).all().item<bool>() || !t.eq(t0.reshape(-1, 1, 1)).all().item<bool>()) return null;
            return (s0.contiguous(), t0.contiguous());
        }

        // ---------------------------------------------------------------- the Network

        Network ToNetwork(DatasetInfo? dataset, Device device)
        {
            var layers = new List<Layer>();
            long[] shape = inputShape;
            if (dataset is not null && !dataset.ImageShape.SequenceEqual(inputShape))
            {
                long want = dataset.ImageShape.Aggregate(1L, (a, b) => a * b), have = inputShape.Aggregate(1L, (a, b) => a * b);
                if (want != have || inputShape.Length != 1)
                    throw new ParadoxException($"{source}: the network's input has shape [{string.Join(", ", inputShape)}]; " +
                        $"--dataset {dataset.Name} images are [{string.Join(", ", dataset.ImageShape)}]");
                layers.Add(new FlattenLayer { InputShape = dataset.ImageShape, OutputShape = inputShape });
            }
            foreach (var op in ops)
            {
                switch (op)
                {
                    case NormalizeOp n:
                        layers.Add(new NormalizeLayer(
                            n.Mean.Select(v => (float)v).ToArray(), n.Sigma.Select(v => (float)v).ToArray(), device)
                        {
                            InputShape = n.Shape, OutputShape = n.Shape
                        });
                        break;
                    case FlattenOp f:
                        shape = [f.InShape.Aggregate(1L, (a, b) => a * b)];
                        layers.Add(new FlattenLayer { InputShape = f.InShape, OutputShape = shape });
                        break;
                    case ReluOp r:
                        layers.Add(new ReluLayer { InputShape = r.Shape, OutputShape = r.Shape });
                        break;
                    case LinearOp l:
                        {
                            var linear = new LinearLayer(l.W.shape[1], l.W.shape[0], device);
                            linear.Replace("weight", l.W);
                            linear.Replace("bias", l.B);
                            layers.Add(linear);
                            shape = linear.OutputShape;
                            break;
                        }
                    case ConvOp c:
                        {
                            var conv = new Conv2dLayer(c.W.shape[1], c.W.shape[0], c.W.shape[2], c.Stride, c.Pad, c.InShape, device);
                            conv.Replace("weight", c.W);
                            conv.Replace("bias", c.B);
                            layers.Add(conv);
                            shape = conv.OutputShape;
                            break;
                        }
                }
            }
            foreach (var layer in layers.OfType<AffineLayer>())
                if (!isfinite(layer.Weight).all().item<bool>() || !isfinite(layer.Bias).all().item<bool>())
                    throw new ParadoxException($"{source}: the weights contain NaN or infinite values (after folding constants)");
            long classes = shape[0];
            var info = dataset ?? new DatasetInfo(Architecture, (int)(inputShape.Length == 3 ? inputShape[0] : 1),
                (int)(inputShape.Length == 3 ? inputShape[1] : 1), (int)(inputShape.Length == 3 ? inputShape[2] : inputShape[0]),
                (int)classes, [], []);
            return new Network(Architecture, info, normalized: layers.Any(l => l is NormalizeLayer), layers, device);
        }
    }
}
