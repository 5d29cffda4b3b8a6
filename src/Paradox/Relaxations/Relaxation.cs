using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// A named relaxation: an engine with its ReLU rule and source of pre-activation bounds. It bounds the
/// specification, decides certification and gives the certified loss used for training.
/// </summary>
public sealed class Relaxation(string name, string description, IBoundEngine engine, bool isEstimate = false,
    bool certificationOnly = false)
{
    /// <summary>The name as the user typed it (`deeppoly:0-c`, `zono:soft=1`, ...): used as the key in results.</summary>
    public string Name { get; } = name;
    public string Description { get; } = description;
    public IBoundEngine Engine { get; } = engine;
    /// <summary>Probabilistic (Cauchy) estimates: never a certificate.</summary>
    public bool IsEstimate { get; } = isEstimate;
    /// <summary>LP / MILP engines: bounds without gradients, so no certified loss for training.</summary>
    public bool CertificationOnly { get; } = certificationOnly;

    public BoundResult Bound(Network network, InputRegion region, Tensor labels, SpecKind spec, bool recordLayers = false)
    {
        TorchRuntime.RequireSoundKernels();
        var c = Specification.Matrix(spec, labels, network.NumClasses);
        var dtype = network.Layers.OfType<AffineLayer>().Last().Weight.dtype; // float64 networks check float32 results
        if (c.dtype != dtype) c = c.to(dtype);
        var final = FinalSpec.Merge(network, c, needUpper: spec == SpecKind.Eye);
        return Engine.Bound(network, region, final, recordLayers);
    }

    /// <summary>Lower bounds of `z_y - z_j` for j != y, [B, classes-1].</summary>
    public Tensor DifferenceLowerBounds(Network network, InputRegion region, Tensor labels, SpecKind spec = SpecKind.Diffs)
    {
        var r = Bound(network, region, labels, spec);
        return Specification.DifferenceLowerBounds(spec, r.Lower, r.Upper, labels, network.NumClasses);
    }

    /// <summary>Worst-case logits over the region; their cross-entropy is the certified loss.</summary>
    public Tensor WorstCaseLogits(Network network, InputRegion region, Tensor labels, SpecKind spec)
    {
        var r = Bound(network, region, labels, spec);
        return Specification.WorstCaseLogits(spec, r.Lower, r.Upper, labels, network.NumClasses);
    }

    /// <summary>Mean certified cross-entropy over the batch.</summary>
    public Tensor CertifiedLoss(Network network, InputRegion region, Tensor labels, SpecKind spec) =>
        nn.functional.cross_entropy(WorstCaseLogits(network, region, labels, spec), labels);

    /// <summary>Samples whose every difference lower bound is strictly positive (not a certificate when
    /// <see cref="IsEstimate"/>).</summary>
    public Tensor Certify(Network network, InputRegion region, Tensor labels, SpecKind spec = SpecKind.Diffs) =>
        Specification.Certified(DifferenceLowerBounds(network, region, labels, spec));
}
