using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Verification;

/// <summary>The LP (or MILP) results of one sample: tightened pre-activation bounds per ReLU layer and the final rows' bounds.</summary>
public sealed record SampleBounds(double[][] LayerLower, double[][] LayerUpper, double[] Lower, double[]? Upper);

/// <summary>
/// Triangle LP (`triangle`): the tightest single-neuron convex relaxation, solved as a linear program (GLOP) per
/// sample. Pre-activation bounds start from CROWN/DeepPoly back-substitution (sound and cheap); layer by layer
/// the crossing neurons of every ReLU layer after the first are tightened by a min and a max LP over the
/// triangle encoding of all earlier layers (the first layer's bounds are exact from interval arithmetic). The
/// final bounds minimise (and, with an `eye` specification, maximise) each row of the merged specification.
/// Every LP bound is the dual bound of the solver's multipliers minus `1e-6 (1 + |v|)` (see
/// <see cref="LinearEncoding"/>); a solve that does not end optimal falls back to the sound pre-bound. Not
/// differentiable: certification only.
/// </summary>
public sealed class TriangleLpEngine : IBoundEngine
{
    static readonly BackSubstitutionEngine PreBounds = new(ReluRules.CrownStandard, preBoundsFromBox: false);

    public BoundResult Bound(Network network, InputRegion region, FinalSpec spec, bool recordLayers)
    {
        using var _ = no_grad();
        var problem = Problem.From(network, region, spec);
        var results = new SampleBounds[problem.Batch];
        Parallel.For(0, problem.Batch, Options(), b => results[b] = Solve(problem, b));
        return problem.ToResult(results, recordLayers);
    }

    internal static ParallelOptions Options() =>
        new() { MaxDegreeOfParallelism = Math.Max(1, Math.Min(Environment.ProcessorCount, get_num_threads())) };

    /// <summary>The triangle LP of sample <paramref name="b"/>.</summary>
    internal static SampleBounds Solve(Problem p, int b)
    {
        using var encoding = Encode(p, b, exact: false, tighten: true, out var lower, out var upper);
        var final = FinalRows(encoding, p, b, p.NeedUpper);
        return new SampleBounds(lower, upper, final.Lower, final.Upper);
    }

    /// <summary>
    /// Builds the program of sample <paramref name="b"/>. The given pre-bounds (<see cref="Problem.PreLower"/> or
    /// <paramref name="layerLower"/> when supplied) bound every ReLU input; with <paramref name="tighten"/>, crossing
    /// neurons after the first ReLU layer are tightened by LPs. Returns the bounds used per ReLU layer.
    /// </summary>
    internal static LinearEncoding Encode(Problem p, int b, bool exact, bool tighten, out double[][] layerLower, out double[][] layerUpper,
        double[][]? givenLower = null, double[][]? givenUpper = null)
    {
        var encoding = new LinearEncoding(exact, p.InputLower[b], p.InputUpper[b]);
        try
        {
            layerLower = new double[p.ReluCount][];
            layerUpper = new double[p.ReluCount][];
            int relu = 0;
            var layers = p.Model.Layers;
            for (int i = 0; i < layers.Count; i++)
            {
                switch (layers[i])
                {
                    case LpNormalize n: encoding.Normalize(n); break;
                    case LpAffine a:
                        {
                            bool feedsRelu = i + 1 < layers.Count && layers[i + 1] is LpRelu;
                            double[]? lo = null, hi = null;
                            if (feedsRelu)
                            {
                                lo = givenLower?[relu] ?? p.PreLower[relu][b];
                                hi = givenUpper?[relu] ?? p.PreUpper[relu][b];
                            }
                            var (l, u) = encoding.Affine(a, lo, hi);
                            if (feedsRelu)
                            {
                                // Before the first ReLU the layer is affine in the input box, where interval arithmetic
                                // (one affine layer) or back-substitution (several) is already exact.
                                if (tighten && relu > 0) TightenCrossing(encoding, l, u, p.Cancel);
                                layerLower[relu] = l;
                                layerUpper[relu] = u;
                            }
                            break;
                        }
                    case LpRelu:
                        encoding.Relu(exact);
                        relu++;
                        break;
                }
            }
            return encoding;
        }
        catch
        {
            encoding.Dispose();
            throw;
        }
    }

    /// <summary>Min and max LP for every crossing neuron of the current layer; proven results replace the bounds.</summary>
    static void TightenCrossing(LinearEncoding encoding, double[] l, double[] u, CancellationToken cancel)
    {
        for (int k = 0; k < l.Length; k++)
        {
            if (!(l[k] < 0 && u[k] > 0)) continue;
            cancel.ThrowIfCancellationRequested();
            int v = encoding.VariableOf(k);
            var min = encoding.MinimizeVariable(v, +1);
            if (min.Proven) encoding.Tighten(v, min.Bound, u[k]);
            (l[k], u[k]) = encoding.BoundsOf(v);
            if (l[k] >= 0) continue; // became active: the upper bound does not matter for the relaxation
            var max = encoding.MinimizeVariable(v, -1);
            if (max.Proven) encoding.Tighten(v, l[k], -max.Bound);
            (l[k], u[k]) = encoding.BoundsOf(v);
        }
    }

    /// <summary>LP bounds of every final row; rows whose solve is not proven keep the pre-bounds.</summary>
    static (double[] Lower, double[]? Upper) FinalRows(LinearEncoding encoding, Problem p, int b, bool needUpper)
    {
        int k = p.Rows;
        var lower = new double[k];
        var upper = needUpper ? new double[k] : null;
        var w = new double[p.Width];
        for (int row = 0; row < k; row++)
        {
            p.Cancel.ThrowIfCancellationRequested();
            Array.Copy(p.SpecWeight[b], row * p.Width, w, 0, p.Width);
            var min = encoding.Minimize(w, p.SpecBias[b][row]);
            lower[row] = min.Proven ? min.Bound : p.PreFinalLower[b][row];
            if (upper is null) continue;
            for (int n = 0; n < w.Length; n++) w[n] = -w[n];
            var max = encoding.Minimize(w, -p.SpecBias[b][row]);
            upper[row] = max.Proven ? -max.Bound : p.PreFinalUpper![b][row];
        }
        return (lower, upper);
    }

    /// <summary>Everything a per-sample program needs, copied out of the tensors on the calling thread.</summary>
    internal sealed class Problem
    {
        public required NetworkModel Model { get; init; }
        public required int Batch { get; init; }
        public required int Rows { get; init; }
        public required int Width { get; init; }
        public required bool NeedUpper { get; init; }
        public required double[][] InputLower { get; init; }
        public required double[][] InputUpper { get; init; }
        /// <summary>[relu layer][sample][neuron], widened by the margin (they come from float32 arithmetic).</summary>
        public required double[][][] PreLower { get; init; }
        public required double[][][] PreUpper { get; init; }
        public required double[][] PreFinalLower { get; init; }
        public required double[][]? PreFinalUpper { get; init; }
        public required double[][] SpecWeight { get; init; }
        public required double[][] SpecBias { get; init; }
        public required IReadOnlyList<LayerBounds> PreLayers { get; init; }
        public required ScalarType DType { get; init; }
        public required Device Device { get; init; }
        public int ReluCount => PreLower.Length;
        /// <summary>Checked between LPs: a caller with a deadline (`verify`) stops the tightening when it is cancelled.</summary>
        public CancellationToken Cancel { get; set; }

        public static Problem From(Network network, InputRegion region, FinalSpec spec)
        {
            var pre = PreBounds.Bound(network, region, spec, recordLayers: true);
            int batch = (int)region.Lower.shape[0];
            var model = NetworkModel.From(network, region.Lower.shape[1..]);
            double[][] Rows(Tensor t, bool widenDown = false, bool widenUp = false)
            {
                var flat = NetworkModel.Doubles(t.reshape(batch, -1));
                int n = flat.Length / batch;
                return Enumerable.Range(0, batch).Select(b =>
                {
                    var row = flat.AsSpan(b * n, n).ToArray();
                    for (int i = 0; i < n; i++)
                    {
                        if (widenDown) row[i] -= LinearEncoding.Margin(row[i]);
                        if (widenUp) row[i] += LinearEncoding.Margin(row[i]);
                    }
                    return row;
                }).ToArray();
            }
            return new Problem
            {
                Model = model,
                Batch = batch,
                Rows = (int)spec.Weight.shape[1],
                Width = (int)spec.Weight.shape[2],
                NeedUpper = spec.NeedUpper,
                InputLower = Rows(region.Lower),
                InputUpper = Rows(region.Upper),
                PreLower = pre.PreActivation.Select(l => Rows(l.Lower, widenDown: true)).ToArray(),
                PreUpper = pre.PreActivation.Select(l => Rows(l.Upper, widenUp: true)).ToArray(),
                PreFinalLower = Rows(pre.Lower, widenDown: true),
                PreFinalUpper = pre.Upper is null ? null : Rows(pre.Upper, widenUp: true),
                SpecWeight = Rows(spec.Weight.expand(batch, -1, -1)),
                SpecBias = Rows(spec.Bias.expand(batch, -1)),
                PreLayers = pre.PreActivation,
                DType = region.Lower.dtype,
                Device = region.Lower.device,
            };
        }

        public BoundResult ToResult(SampleBounds[] results, bool recordLayers)
        {
            var lower = Stack(results.Select(r => r.Lower), down: true, [Batch, Rows]);
            var upper = NeedUpper ? Stack(results.Select(r => r.Upper!), down: false, [Batch, Rows]) : null;
            var layers = new List<LayerBounds>();
            if (recordLayers)
                for (int r = 0; r < ReluCount; r++)
                {
                    var shape = PreLayers[r].Lower.shape;
                    layers.Add(new LayerBounds(PreLayers[r].LayerIndex,
                        Stack(results.Select(s => s.LayerLower[r]), down: true, shape),
                        Stack(results.Select(s => s.LayerUpper[r]), down: false, shape)));
                }
            return new BoundResult(lower, upper, layers);
        }

        /// <summary>Doubles to the region's dtype, rounded outward (down for lower bounds, up for upper ones).</summary>
        Tensor Stack(IEnumerable<double[]> rows, bool down, long[] shape)
        {
            var all = rows.SelectMany(r => r).ToArray();
            if (DType == ScalarType.Float64) return tensor(all, device: Device).reshape(shape);
            var floats = new float[all.Length];
            for (int i = 0; i < all.Length; i++)
            {
                float f = (float)all[i];
                if (down && f > all[i]) f = MathF.BitDecrement(f);
                if (!down && f < all[i]) f = MathF.BitIncrement(f);
                floats[i] = f;
            }
            return tensor(floats, device: Device).reshape(shape).to(DType);
        }
    }
}
