using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// Hybrid zonotopes: each neuron vector is `head + diag(beta) b + sum_t E_t e_t`. Affine layers map the head
/// with the bias, the generators with W and the box part with |W|. A ReLU applies its parallelogram rule
/// `y in lam x + mu +/- mu`: `head' = lam head + mu`, `E' = lam E`, and the new uncertainty `mu` becomes
/// a fresh generator per neuron (zonotope domains) or is added to the box part (hybrid domains).
/// Every neuron with `mu != 0` receives it, whatever its case (the soundness rule).
/// </summary>
public sealed class ZonotopeEngine : IBoundEngine
{
    readonly ReluRule rule;
    readonly bool hybrid;
    readonly bool preBoundsFromBox;
    readonly int? cauchyProjections;
    readonly Generator? generator;
    readonly bool denseGenerators;

    public ReluRule Rule => rule;
    public bool Hybrid => hybrid;
    public bool PreBoundsFromBox => preBoundsFromBox;
    /// <summary>Generator norms are Cauchy estimates drawn from the generator (random per call).</summary>
    public bool UsesCauchyEstimates => cauchyProjections is not null;

    /// <param name="rule">A parallelogram rule.</param>
    /// <param name="hybrid">New uncertainty goes to the box part instead of fresh generators.</param>
    /// <param name="preBoundsFromBox">Take each ReLU's [l, u] from a Box pass (DeepZ-IBP) instead of the zonotope.</param>
    /// <param name="cauchyProjections">Estimate generator norms with this many Cauchy projections (not sound).</param>
    public ZonotopeEngine(ReluRule rule, bool hybrid, bool preBoundsFromBox = false, int? cauchyProjections = null,
        Generator? generator = null)
        : this(rule, hybrid, preBoundsFromBox, cauchyProjections, generator, denseGenerators: false) { }

    /// <param name="denseGenerators">Materialise every block as dense generators [T, B, *shape]: the straightforward
    /// computation the factored blocks are tested against (slow and memory-hungry; for tests only).</param>
    internal ZonotopeEngine(ReluRule rule, bool hybrid, bool preBoundsFromBox, int? cauchyProjections, Generator? generator,
        bool denseGenerators)
    {
        if (!rule.IsParallelogram) throw new ArgumentException($"rule {rule.Name} is not a parallelogram rule", nameof(rule));
        this.rule = rule;
        this.hybrid = hybrid;
        this.preBoundsFromBox = preBoundsFromBox;
        this.cauchyProjections = cauchyProjections;
        this.generator = generator;
        this.denseGenerators = denseGenerators;
    }

    public BoundResult Bound(Network network, InputRegion region, FinalSpec spec, bool recordLayers)
    {
        var boxBounds = preBoundsFromBox ? BoxEngine.Standard.PreActivationBounds(network, region) : null;
        int reluCount = 0;
        var head = (region.Upper + region.Lower) / 2;
        var radius = (region.Upper - region.Lower) / 2;
        Tensor? beta = hybrid ? zeros_like(head) : null;
        var blocks = new List<GeneratorBlock> { NewBlock(radius) };
        var layers = new List<LayerBounds>();
        for (int i = 0; i < network.Layers.Count - 1; i++)
        {
            switch (network.Layers[i])
            {
                case NormalizeLayer n:
                    head = (head - n.Mean) / n.Sigma;
                    var inv = n.Sigma.reciprocal();
                    blocks = blocks.Select(b => b.Scale(inv.expand(head.shape))).ToList();
                    if (beta is not null) beta = beta / n.Sigma;
                    break;
                case FlattenLayer:
                    head = head.flatten(1);
                    blocks = blocks.Select(b => b.Flatten()).ToList();
                    if (beta is not null) beta = beta.flatten(1);
                    break;
                case AffineLayer a:
                    head = a.Apply(head);
                    blocks = blocks.Select(b => b.Affine(a)).ToList();
                    if (beta is not null) beta = a.ApplyLinear(beta, a.Weight.abs());
                    break;
                case ReluLayer:
                    Tensor l, u;
                    if (boxBounds is not null) (l, u) = (boxBounds[reluCount].Lower, boxBounds[reluCount].Upper);
                    else
                    {
                        var spread = Spread(blocks, beta);
                        (l, u) = (head - spread, head + spread);
                    }
                    reluCount++;
                    if (recordLayers) layers.Add(new LayerBounds(i, l, u));
                    var relax = rule.Relax(l, u);
                    var lam = relax.LamUp;
                    var mu = (relax.MuUp - relax.MuLo) / 2;
                    head = lam * head + (relax.MuUp + relax.MuLo) / 2;
                    blocks = ScaleBlocks(blocks, lam);
                    if (beta is not null) beta = lam * beta + mu;
                    else blocks.Add(NewBlock(mu));
                    break;
                default:
                    throw new NotSupportedException($"zonotope: layer {network.Layers[i].Kind}");
            }
        }
        var center = spec.Apply(head);
        var total = Sum(blocks.Select(b => b.FinalAbsSum(spec)));
        if (beta is not null) total = total is null ? spec.ApplyAbs(beta) : total + spec.ApplyAbs(beta);
        total ??= zeros_like(center);
        return new BoundResult(center - total, center + total, layers);
    }

    GeneratorBlock NewBlock(Tensor values) =>
        cauchyProjections is { } k ? CauchyBlock.FromDiagonal(values, k, generator)
        : denseGenerators ? DiagonalBlock.FromValues(values).ToDense()
        : DiagonalBlock.FromValues(values);

    /// <summary>
    /// The generators after a ReLU with slopes `lam`. When every slope of the batch is zero (a hybrid domain whose neurons are
    /// all crossing or inactive, as at eps 0.3 from fresh weights) the terms are gone: the blocks are dropped instead of
    /// carrying zeros through every later layer. Otherwise, neurons whose slope is zero in every sample (dead in the whole
    /// batch, most neurons of a trained network) are left out of the next Linear layer's product (<see cref="SelectedColumnsBlock"/>).
    /// Exact in value and gradient: a zero slope is a constant branch of the rule.
    /// </summary>
    List<GeneratorBlock> ScaleBlocks(List<GeneratorBlock> blocks, Tensor lam)
    {
        if (denseGenerators || blocks.Count == 0) return blocks.Select(b => b.Scale(lam)).ToList();
        var live = LiveNeurons.Of(lam.ne(0));
        if (live?.shape[0] == 0) return [];
        var scaled = blocks.Select(b => b.Scale(lam));
        return live is null ? scaled.ToList() : scaled.Select(b => (GeneratorBlock)new SelectedColumnsBlock(b, live)).ToList();
    }

    static Tensor Spread(List<GeneratorBlock> blocks, Tensor? beta)
    {
        var s = Sum(blocks.Select(b => b.AbsSum()));
        if (beta is not null) s = s is null ? beta : s + beta;
        return s ?? throw new InvalidOperationException("a zonotope without generators or box part");
    }

    /// <summary>The sum in order (the blocks' order fixes the float rounding), or null when there is nothing to add.</summary>
    static Tensor? Sum(IEnumerable<Tensor> terms) => terms.Aggregate((Tensor?)null, (s, t) => s is null ? t : s + t);
}
