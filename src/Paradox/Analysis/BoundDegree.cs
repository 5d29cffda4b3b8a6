using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>How a domain's final bound depends on the weights, for its default ReLU rule.</summary>
public enum BoundForm
{
    /// <summary>Interval rule everywhere (Box, hBox, zbox): sums and products of weights, abs and max.</summary>
    Polynomial,
    /// <summary>Crossing slopes `u/(u-l)` from the domain's own bounds (DeepZ, DeepPoly/CROWN, hybrid DeepZ).</summary>
    RationalOwnBounds,
    /// <summary>Crossing slopes `u/(u-l)` from Box bounds (CROWN-IBP, DeepZ-IBP).</summary>
    RationalBoxBounds,
}

/// <summary>
/// Degree of a final bound (for one image) as a piecewise rational function `P/Q` of the weights: an upper bound
/// on the degrees of P and Q, with the median number of crossing neurons per ReLU layer that enter it.
/// </summary>
public sealed record BoundDegree(string Name, BoundForm Form, double[] Crossing, double Numerator, double Denominator)
{
    public string Describe() => Form == BoundForm.Polynomial
        ? $"piecewise polynomial, degree {Numerator:0}"
        : $"piecewise rational, degrees <= {Degree(Numerator)} (numerator) / {Degree(Denominator)} (denominator)";

    static string Degree(double d) => d >= 1e5 ? d.ToString("0.##e0") : d.ToString("0");
}

/// <summary>
/// The recursion over layers for the degree of the final bound in the weights. Within one region of activation
/// cases, every quantity of layer k can be written over a common denominator Q_k as P/Q_k. An affine layer
/// multiplies by weights: deg P + 1. A crossing neuron with the interval rule keeps a polynomial. A crossing
/// slope `lam = u/(u-l)` cancels Q_k and brings its own denominator `U - L` of degree p_k; over the m_k
/// crossing neurons of a layer the common denominator gains `m_k p_k`, and so does every numerator. Hence, with
/// j affine layers before ReLU layer j: q_{j+1} = q_j + m_j p_j and p_j = q_j + j, where p_j is the degree of
/// the bounds the slopes are built from (own bounds; with Box bounds p_j = j). The same recursion holds for
/// zonotopes (DeepZ) and back-substitution (DeepPoly, CROWN-IBP). Cancellations can only lower the degrees.
/// </summary>
public static class BoundDegrees
{
    static readonly Dictionary<string, BoundForm> Forms = new()
    {
        ["box"] = BoundForm.Polynomial, ["hbox"] = BoundForm.Polynomial, ["zbox"] = BoundForm.Polynomial,
        ["zono"] = BoundForm.RationalOwnBounds, ["hzono"] = BoundForm.RationalOwnBounds, ["deeppoly"] = BoundForm.RationalOwnBounds,
        ["crown-ibp"] = BoundForm.RationalBoxBounds, ["zono-ibp"] = BoundForm.RationalBoxBounds,
    };

    /// <summary>The form of a relaxation's bound, or null when the domain is not modelled or the name carries a variant.</summary>
    public static BoundForm? FormOf(string relaxationName) =>
        !relaxationName.Contains(':') && RelaxationCatalog.DomainOf(relaxationName) is { } domain && Forms.TryGetValue(domain, out var form)
            ? form
            : null;

    /// <summary>
    /// (deg P, deg Q) of the final bound. <paramref name="affineBefore"/>[j] is the number of affine layers
    /// before ReLU layer j, <paramref name="crossing"/>[j] its number of crossing neurons; <paramref name="depth"/>
    /// the number of affine layers.
    /// </summary>
    public static (double Numerator, double Denominator) Degree(BoundForm form, int depth, IReadOnlyList<int> affineBefore,
        IReadOnlyList<double> crossing)
    {
        double q = 0;
        if (form != BoundForm.Polynomial)
            for (int j = 0; j < crossing.Count; j++)
            {
                double slopeBoundsDegree = form == BoundForm.RationalOwnBounds ? q + affineBefore[j] : affineBefore[j];
                q += crossing[j] * slopeBoundsDegree;
            }
        return (q + depth, q);
    }

    /// <summary>
    /// Medians over the batch of the per-image degrees, with crossing neurons counted from the pre-activation
    /// bounds the relaxation itself uses (its own, or Box's for the `-ibp` domains); null when not modelled.
    /// </summary>
    public static BoundDegree? Measure(Network network, Relaxation relaxation, Tensor x, Tensor y, double eps)
    {
        if (FormOf(relaxation.Name) is not { } form) return null;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var region = InputRegion.Ball(x, eps);
        var layers = relaxation.Bound(network, region, y, SpecKind.Diffs, recordLayers: true).PreActivation;
        int depth = network.Layers.OfType<AffineLayer>().Count();
        if (layers.Count == 0) return new BoundDegree(relaxation.Name, form, [], depth, 0);
        // [B, R]: crossing neurons per image and ReLU layer.
        var counts = stack(
            layers.Select(b => b.Lower.lt(0).logical_and(b.Upper.gt(0)).flatten(1).sum(1L).to(ScalarType.Float64)).ToArray(), 1);
        var perImage = counts.data<double>().ToArray();
        int images = (int)counts.shape[0], reluLayers = layers.Count;
        var affineBefore = layers.Select(b => network.Layers.Take(b.LayerIndex).OfType<AffineLayer>().Count()).ToList();
        var degrees = Enumerable.Range(0, images)
            .Select(i => Degree(form, depth, affineBefore, perImage.Skip(i * reluLayers).Take(reluLayers).ToArray()))
            .ToList();
        var crossing = Enumerable.Range(0, reluLayers)
            .Select(j => Spread.MedianOf(Enumerable.Range(0, images).Select(i => perImage[i * reluLayers + j]))).ToArray();
        return new BoundDegree(relaxation.Name, form, crossing, Spread.MedianOf(degrees.Select(d => d.Numerator)),
            Spread.MedianOf(degrees.Select(d => d.Denominator)));
    }
}
