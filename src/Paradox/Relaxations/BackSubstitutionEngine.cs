using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// Back-substitution (CROWN / DeepPoly): a linear function `A z_k + bias` of a layer's neurons is rewritten
/// layer by layer in terms of the input, with separate coefficients for the lower and the upper bound;
/// through a ReLU the rule's lower/upper lines are chosen by the sign of each coefficient.
/// `deeppoly` bounds every ReLU layer this way, in order; `crown-ibp` takes all ReLU pre-activation bounds
/// from Box and back-substitutes only the final specification.
/// </summary>
public sealed class BackSubstitutionEngine(ReluRule rule, bool preBoundsFromBox, bool optimizeSlopesOnce = false,
    Generator? generator = null) : IBoundEngine
{
    /// <summary>Lower and upper coefficient tensors [B or 1, K, *shape] with their accumulated biases [B or 1, K].</summary>
    public ReluRule Rule => rule;
    public bool PreBoundsFromBox => preBoundsFromBox;
    /// <summary>Crossing lower slopes are drawn at random and take one signed-gradient step (iclr2021).</summary>
    public bool OptimizesSlopesOnce => optimizeSlopesOnce;

    sealed record Coefficients(Tensor ALower, Tensor BiasLower, Tensor? AUpper, Tensor? BiasUpper);

    /// <summary>
    /// Multiply every column of a Linear layer, also those of neurons dead in the whole batch: the straightforward computation
    /// the column skipping is tested against (for tests only).
    /// </summary>
    internal bool AllColumns { get; init; }

    public BoundResult Bound(Network network, InputRegion region, FinalSpec spec, bool recordLayers)
    {
        var relaxations = new Dictionary<int, ReluBounds>();
        var live = new LiveColumns(AllColumns);
        var layers = new List<LayerBounds>();
        var box = preBoundsFromBox ? BoxEngine.Standard.PreActivationBounds(network, region) : null;
        var reluIndices = network.ReluIndices;
        for (int r = 0; r < reluIndices.Count; r++)
        {
            int index = reluIndices[r];
            Tensor l, u;
            if (box is not null) (l, u) = (box[r].Lower, box[r].Upper);
            else if (r == 0 && network.Layers.Take(index).OfType<AffineLayer>().Count() <= 1)
            {
                // Up to one affine layer (with Normalize/Flatten) before it, interval arithmetic is exact.
                var first = BoxEngine.Standard.PreActivationBounds(network, region)[0];
                (l, u) = (first.Lower, first.Upper);
            }
            else
                (l, u) = LayerBoundsFromRows(network, index - 1, region, relaxations, live);
            if (recordLayers) layers.Add(new LayerBounds(index, l, u));
            relaxations[index] = rule.Relax(l, u);
        }

        if (optimizeSlopesOnce) relaxations = OneSlopeStep(network, region, spec, relaxations, live);
        var start = new Coefficients(spec.Weight, spec.Bias, spec.NeedUpper ? spec.Weight : null, spec.NeedUpper ? spec.Bias : null);
        var final = Substitute(network, network.Layers.Count - 2, start, relaxations, live);
        var (lower, upper) = Concretize(final, region);
        return new BoundResult(lower, upper, layers);
    }

    /// <summary>Bounds of the outputs of affine layer <paramref name="affineIndex"/>, starting from its weight rows.</summary>
    (Tensor Lower, Tensor Upper) LayerBoundsFromRows(Network network, int affineIndex, InputRegion region,
        Dictionary<int, ReluBounds> relaxations, LiveColumns live)
    {
        var affine = (AffineLayer)network.Layers[affineIndex];
        var (a, bias) = Rows(affine);
        var start = new Coefficients(a, bias, a, bias);
        var (lower, upper) = Concretize(Substitute(network, affineIndex - 1, start, relaxations, live), region);
        long[] shape = [lower.shape[0], .. affine.OutputShape];
        return (lower.reshape(shape), upper!.reshape(shape));
    }

    /// <summary>An affine layer as coefficient rows over its input, [1, n_out, *in_shape], and bias [1, n_out].</summary>
    static (Tensor A, Tensor Bias) Rows(AffineLayer affine)
    {
        if (affine is LinearLayer linear) return (linear.Weight.unsqueeze(0), linear.Bias.unsqueeze(0));
        var conv = (Conv2dLayer)affine;
        long outputs = conv.OutputShape.Aggregate(1L, (x, y) => x * y);
        // Row o of the conv as a map on its input: the transposed conv of the unit vector e_o.
        var units = eye(outputs, dtype: conv.Weight.dtype, device: conv.Weight.device).reshape([outputs, .. conv.OutputShape]);
        var rows = conv.ApplyAdjoint(units).reshape([1, outputs, .. conv.InputShape]);
        var bias = conv.Bias.unsqueeze(1).expand(conv.OutputShape[0], conv.OutputShape[1] * conv.OutputShape[2]).reshape(1, outputs);
        return (rows, bias);
    }

    /// <summary>Back-substitutes from the input of layer <paramref name="fromIndex"/>+1 down to the network input.</summary>
    Coefficients Substitute(Network network, int fromIndex, Coefficients c, Dictionary<int, ReluBounds> relaxations, LiveColumns live)
    {
        var (aLo, bLo, aUp, bUp) = c;
        Tensor? columns = null; // the neurons of the ReLU just passed whose slopes are not all 0 (null: all of them)
        for (int i = fromIndex; i >= 0; i--)
        {
            switch (network.Layers[i])
            {
                case ReluLayer:
                    var rb = relaxations[i];
                    (aLo, bLo) = ThroughRelu(aLo, bLo, rb.LamLo, rb.MuLo, rb.LamUp, rb.MuUp);
                    if (aUp is not null) (aUp, bUp) = ThroughRelu(aUp, bUp!, rb.LamUp, rb.MuUp, rb.LamLo, rb.MuLo);
                    columns = live.Of(rb);
                    break;
                case AffineLayer a:
                    (aLo, bLo) = ThroughAffine(a, aLo, bLo, columns);
                    if (aUp is not null) (aUp, bUp) = ThroughAffine(a, aUp, bUp!, columns);
                    columns = null;
                    break;
                case FlattenLayer f:
                    aLo = aLo.reshape([aLo.shape[0], aLo.shape[1], .. f.InputShape]);
                    aUp = aUp?.reshape([aUp.shape[0], aUp.shape[1], .. f.InputShape]);
                    break;
                case NormalizeLayer n:
                    (aLo, bLo) = ThroughNormalize(n, aLo, bLo);
                    if (aUp is not null) (aUp, bUp) = ThroughNormalize(n, aUp, bUp!);
                    break;
                default:
                    throw new NotSupportedException($"back-substitution: layer {network.Layers[i].Kind}");
            }
        }
        return new Coefficients(aLo, bLo, aUp, bUp);
    }

    /// <summary>
    /// For a bound on the same side as (lamSame, muSame): positive coefficients take that line, negative ones
    /// the other. Lower bound: `A+ lam_lo + A- lam_up`; upper bound: `A+ lam_up + A- lam_lo`. Written as
    /// `A lam_other + A+ (lam_same - lam_other)` with the biases as matrix-vector products, which needs one
    /// large temporary fewer than choosing per coefficient (and stable neurons, where the lines agree, are exact).
    /// `clamp_min` passes the gradient at A = 0 as the same-side choice does.
    /// </summary>
    static (Tensor A, Tensor Bias) ThroughRelu(Tensor a, Tensor bias, Tensor lamSame, Tensor muSame, Tensor lamOther, Tensor muOther)
    {
        var positive = a.clamp_min(0);
        var mapped = addcmul(a * lamOther.unsqueeze(1), positive, (lamSame - lamOther).unsqueeze(1), 1);
        var offset = MatVec(a, muOther) + MatVec(positive, muSame - muOther);
        return (mapped, bias + offset);
    }

    /// <summary>`sum_j A[b, k, j] v[b, j]` over the flattened neuron dimensions, [B, K].</summary>
    static Tensor MatVec(Tensor a, Tensor v) => a.flatten(2).matmul(v.flatten(1).unsqueeze(2)).squeeze(2);

    /// <summary>
    /// The live neurons of each ReLU layer's relaxation (<see cref="LiveNeurons"/>), computed once per bound: every
    /// intermediate back-substitution passes the same earlier layers again. Null for all of them (or with AllColumns).
    /// </summary>
    sealed class LiveColumns(bool allColumns)
    {
        readonly Dictionary<ReluBounds, Tensor?> known = new(ReferenceEqualityComparer.Instance);

        public Tensor? Of(ReluBounds rb)
        {
            if (allColumns) return null;
            if (!known.TryGetValue(rb, out var columns))
                known[rb] = columns = LiveNeurons.Of(rb.LamLo.ne(0).logical_or(rb.LamUp.ne(0)));
            return columns;
        }
    }

    static (Tensor A, Tensor Bias) ThroughAffine(AffineLayer layer, Tensor a, Tensor bias, Tensor? live)
    {
        if (layer is LinearLayer linear && live is not null)
        {
            var selected = a.index_select(2, live);
            return (selected.matmul(linear.Weight.index_select(0, live)), bias + selected.matmul(linear.Bias.index_select(0, live)));
        }
        if (layer is LinearLayer full)
            return (a.matmul(full.Weight), bias + a.matmul(full.Bias));
        var conv = (Conv2dLayer)layer;
        long b = a.shape[0], k = a.shape[1];
        var biasTerm = a.sum([3, 4]).matmul(conv.Bias);
        var mapped = conv.ApplyAdjoint(a.reshape([b * k, .. a.shape[2..]]));
        return (mapped.reshape([b, k, .. mapped.shape[1..]]), bias + biasTerm);
    }

    static (Tensor A, Tensor Bias) ThroughNormalize(NormalizeLayer n, Tensor a, Tensor bias)
    {
        // Scaling the coefficients (not the input box) keeps the reference's rounding: CROWN's adaptive lower
        // line jumps at |l| = |u|, so a last-bit change of a pre-activation bound can move a final bound visibly.
        var scaled = a / n.Sigma.unsqueeze(0);
        return (scaled, bias + MatVec(scaled, (-n.Mean).expand([1, .. a.shape[2..]])));
    }

    /// <summary>`min/max of A x + bias` over the input box, as `A c -/+ |A| r` (centre c, radius r).</summary>
    static (Tensor Lower, Tensor? Upper) Concretize(Coefficients c, InputRegion region)
    {
        var center = ((region.Upper + region.Lower) / 2).flatten(1).unsqueeze(2);
        var radius = ((region.Upper - region.Lower) / 2).flatten(1).unsqueeze(2);
        Tensor Side(Tensor a, Tensor bias, double sign)
        {
            var flat = a.flatten(2);
            return flat.matmul(center).squeeze(2) + sign * flat.abs().matmul(radius).squeeze(2) + bias;
        }
        return (Side(c.ALower, c.BiasLower, -1), c.AUpper is null ? null : Side(c.AUpper, c.BiasUpper!, 1));
    }

    /// <summary>
    /// ICLR 2021 CROWN-IBP: crossing lower slopes start uniform in [0,1] and take one signed-gradient step
    /// (step 1, clipped to [0,1]) on the certified loss before the final back-substitution.
    /// </summary>
    Dictionary<int, ReluBounds> OneSlopeStep(Network network, InputRegion region, FinalSpec spec, Dictionary<int, ReluBounds> relaxations,
        LiveColumns live)
    {
        var crossingMasks = new Dictionary<int, Tensor>();
        var slopes = new Dictionary<int, Tensor>();
        foreach (var (index, rb) in relaxations)
        {
            var crossing = rb.LamUp.gt(0).logical_and(rb.LamUp.lt(1)).logical_or(rb.MuUp.gt(0));
            crossingMasks[index] = crossing;
            var start = rand(rb.LamLo.shape, generator: generator, dtype: rb.LamLo.dtype, device: rb.LamLo.device);
            slopes[index] = where(crossing, start, rb.LamLo.detach()).requires_grad_(true);
        }
        Dictionary<int, ReluBounds> With(Dictionary<int, Tensor> s) =>
            relaxations.ToDictionary(kv => kv.Key, kv => kv.Value with { LamLo = where(crossingMasks[kv.Key], s[kv.Key], kv.Value.LamLo) });
        Tensor[] grads;
        using (enable_grad())
        {
            var trial = Substitute(network, network.Layers.Count - 2,
                new Coefficients(spec.Weight.detach(), spec.Bias.detach(), null, null), With(slopes), live);
            var (lower, _) = Concretize(trial, region);
            // The certified loss decreases as the lower bounds of the differences grow.
            var loss = nn.functional.softplus(-lower).sum();
            grads = autograd.grad([loss], slopes.Values.ToArray()).ToArray();
        }
        var keys = slopes.Keys.ToArray();
        var stepped = new Dictionary<int, Tensor>();
        for (int i = 0; i < keys.Length; i++)
            stepped[keys[i]] = (slopes[keys[i]].detach() - grads[i].sign()).clamp(0, 1);
        return With(stepped);
    }
}
