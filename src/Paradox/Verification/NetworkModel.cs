using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Verification;

/// <summary>One layer of a network as plain double arrays, ready for a linear or mixed-integer program.</summary>
public abstract record LpLayer(int Index);

/// <summary>Per-channel `(x - mean) / sigma` on a flat [C*H*W] vector (channel of neuron k: k / Spatial).</summary>
public sealed record LpNormalize(int Index, double[] Mean, double[] Sigma, int Spatial) : LpLayer(Index);

/// <summary>An affine layer as sparse rows: output o = sum_k Coef[o][k] * in[Cols[o][k]] + Bias[o] (only nonzero weights).</summary>
public sealed record LpAffine(int Index, int Inputs, int[][] Cols, double[][] Coef, double[] Bias) : LpLayer(Index)
{
    public int Outputs => Bias.Length;
}

public sealed record LpRelu(int Index) : LpLayer(Index);

/// <summary>
/// The layers of a network before its last Linear (which <see cref="FinalSpec"/> merges with the specification),
/// as plain arrays: Normalize and Flatten keep the flat C-order layout, Conv2d becomes its sparse affine map.
/// Extracted once on the calling thread, then shared read-only by the per-sample programs.
/// </summary>
public sealed class NetworkModel
{
    public IReadOnlyList<LpLayer> Layers { get; }
    public int InputSize { get; }

    NetworkModel(IReadOnlyList<LpLayer> layers, int inputSize)
    {
        Layers = layers;
        InputSize = inputSize;
    }

    public static NetworkModel From(Network network, long[] inputShape)
    {
        var layers = new List<LpLayer>();
        long[] shape = inputShape;
        for (int i = 0; i < network.Layers.Count - 1; i++)
        {
            switch (network.Layers[i])
            {
                case NormalizeLayer n:
                    {
                        int spatial = (int)(shape.Aggregate(1L, (a, b) => a * b) / n.Channels);
                        layers.Add(new LpNormalize(i, Doubles(n.Mean), Doubles(n.Sigma), spatial));
                        break;
                    }
                case FlattenLayer:
                    shape = [shape.Aggregate(1L, (a, b) => a * b)];
                    break;
                case LinearLayer linear:
                    layers.Add(Dense(i, linear));
                    shape = linear.OutputShape;
                    break;
                case Conv2dLayer conv:
                    layers.Add(Sparse(i, conv));
                    shape = conv.OutputShape;
                    break;
                case ReluLayer:
                    layers.Add(new LpRelu(i));
                    break;
                default:
                    throw new ParadoxException(
                        $"--net {network.Architecture}: layer {network.Layers[i].Kind} is not supported by the LP/MILP encoding");
            }
        }
        return new NetworkModel(layers, (int)inputShape.Aggregate(1L, (a, b) => a * b));
    }

    internal static double[] Doubles(Tensor t) => t.detach().cpu().to(float64).contiguous().data<double>().ToArray();

    static LpAffine Dense(int index, LinearLayer linear)
    {
        int outputs = (int)linear.OutFeatures, inputs = (int)linear.InFeatures;
        var w = Doubles(linear.Weight);
        var cols = new int[outputs][];
        var coef = new double[outputs][];
        for (int o = 0; o < outputs; o++)
        {
            var c = new List<int>();
            var v = new List<double>();
            for (int k = 0; k < inputs; k++)
            {
                double x = w[(long)o * inputs + k];
                if (x != 0) { c.Add(k); v.Add(x); }
            }
            cols[o] = c.ToArray();
            coef[o] = v.ToArray();
        }
        return new LpAffine(index, inputs, cols, coef, Doubles(linear.Bias));
    }

    /// <summary>out(co, oh, ow) = b[co] + sum W[co, ci, kh, kw] in(ci, oh*s - p + kh, ow*s - p + kw) over in-range pixels.</summary>
    static LpAffine Sparse(int index, Conv2dLayer conv)
    {
        int co = (int)conv.OutChannels, ci = (int)conv.InChannels, k = (int)conv.Kernel, s = (int)conv.Stride, p = (int)conv.Padding;
        int h = (int)conv.InputShape[1], w = (int)conv.InputShape[2], oh = (int)conv.OutputShape[1], ow = (int)conv.OutputShape[2];
        var weight = Doubles(conv.Weight);
        var bias = Doubles(conv.Bias);
        int outputs = co * oh * ow;
        var cols = new int[outputs][];
        var coef = new double[outputs][];
        var outBias = new double[outputs];
        for (int c = 0; c < co; c++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                {
                    int o = (c * oh + y) * ow + x;
                    var cs = new List<int>();
                    var vs = new List<double>();
                    for (int d = 0; d < ci; d++)
                        for (int ky = 0; ky < k; ky++)
                        {
                            int iy = y * s - p + ky;
                            if (iy < 0 || iy >= h) continue;
                            for (int kx = 0; kx < k; kx++)
                            {
                                int ix = x * s - p + kx;
                                if (ix < 0 || ix >= w) continue;
                                double v = weight[((c * ci + d) * k + ky) * k + kx];
                                if (v == 0) continue;
                                cs.Add((d * h + iy) * w + ix);
                                vs.Add(v);
                            }
                        }
                    cols[o] = cs.ToArray();
                    coef[o] = vs.ToArray();
                    outBias[o] = bias[c];
                }
        return new LpAffine(index, ci * h * w, cols, coef, outBias);
    }
}
