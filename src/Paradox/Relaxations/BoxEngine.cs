using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>A change applied to Box pre-activation bounds before a ReLU (the study's loose parametrised Box).</summary>
public delegate (Tensor Lower, Tensor Upper) PreBoundTransform(Tensor lower, Tensor upper);

/// <summary>
/// Box / IBP: each neuron is a centre and a radius. Affine layers map `c' = W c + b`, `r' = |W| r`;
/// a ReLU takes the interval of its rule's lines over [l, u] (the interval rule gives `[relu(l), relu(u)]`).
/// </summary>
public sealed class BoxEngine(ReluRule rule, PreBoundTransform? transform = null) : IBoundEngine
{
    public static readonly BoxEngine Standard = new(ReluRules.Interval);

    public ReluRule Rule => rule;
    /// <summary>The loose-Box change of the pre-activation bounds, if any.</summary>
    public PreBoundTransform? Transform => transform;

    public BoundResult Bound(Network network, InputRegion region, FinalSpec spec, bool recordLayers)
    {
        var (c, r, layers) = Propagate(network, region, recordLayers);
        var center = spec.Apply(c);
        var radius = spec.ApplyAbs(r);
        return new BoundResult(center - radius, center + radius, recordLayers ? layers : []);
    }

    /// <summary>The pre-activation bounds of every ReLU layer, as other engines use them (CROWN-IBP, DeepZ-IBP).</summary>
    public IReadOnlyList<LayerBounds> PreActivationBounds(Network network, InputRegion region) =>
        Propagate(network, region, record: true).Layers;

    (Tensor Center, Tensor Radius, List<LayerBounds> Layers) Propagate(Network network, InputRegion region, bool record)
    {
        var c = (region.Upper + region.Lower) / 2;
        var r = (region.Upper - region.Lower) / 2;
        var layers = new List<LayerBounds>();
        for (int i = 0; i < network.Layers.Count - 1; i++)
        {
            switch (network.Layers[i])
            {
                case NormalizeLayer n:
                    c = (c - n.Mean) / n.Sigma;
                    r = r / n.Sigma;
                    break;
                case FlattenLayer:
                    c = c.flatten(1);
                    r = r.flatten(1);
                    break;
                case AffineLayer a:
                    c = a.Apply(c);
                    r = a.ApplyLinear(r, a.Weight.abs());
                    break;
                case ReluLayer:
                    var l = c - r;
                    var u = c + r;
                    if (transform is not null) (l, u) = transform(l, u);
                    if (record) layers.Add(new LayerBounds(i, l, u));
                    var (lo, hi) = rule.IntervalImage is { } image ? image(l, u) : Concretize(rule.Relax(l, u), l, u);
                    c = (hi + lo) / 2;
                    r = (hi - lo) / 2;
                    break;
                default:
                    throw new NotSupportedException($"Box: layer {network.Layers[i].Kind}");
            }
        }
        return (c, r, layers);
    }

    /// <summary>The interval `[min lower line, max upper line]` over x in [l, u].</summary>
    public static (Tensor Lower, Tensor Upper) Concretize(ReluBounds b, Tensor l, Tensor u)
    {
        var lower = where(b.LamLo.ge(0), b.LamLo * l, b.LamLo * u) + b.MuLo;
        var upper = where(b.LamUp.ge(0), b.LamUp * u, b.LamUp * l) + b.MuUp;
        return (lower, upper);
    }

    /// <summary>Continuous widening `[l - omega, u + omega]` (`--loosebox_widen`).</summary>
    public static PreBoundTransform Widen(double omega) => (l, u) => (l - omega, u + omega);

    /// <summary>
    /// Discontinuous rounding with F jumps per unit (`--loosebox_round omega --dcs_per_one F`):
    /// `l - omega (ceil(F l) - F l)`, `u + omega (F u - floor(F u))`.
    /// </summary>
    public static PreBoundTransform Round(double omega, double f) => (l, u) =>
        (l - omega * ((f * l).ceil() - f * l), u + omega * (f * u - (f * u).floor()));
}
