using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// A block of zonotope error terms `sum_t E_t e_t` over the neurons of one layer (per-sample shape `Shape`).
/// Kept diagonal (one term per neuron) until an affine layer mixes it, which avoids materialising
/// identity-sized generator matrices for the input and for every ReLU's fresh terms.
/// </summary>
public abstract class GeneratorBlock
{
    public abstract GeneratorBlock Scale(Tensor perNeuron);
    public abstract GeneratorBlock Flatten();
    public abstract GeneratorBlock Affine(AffineLayer layer);
    /// <summary>`sum_t |E_t|` per neuron, [B, *shape] (an estimate for Cauchy blocks).</summary>
    public abstract Tensor AbsSum();
    /// <summary>`sum_t |W' E_t|` for the final specification rows, [B, K].</summary>
    public abstract Tensor FinalAbsSum(FinalSpec spec);

    /// <summary>
    /// <see cref="Affine"/> for a block whose terms are zero outside the flat input neurons <paramref name="columns"/>
    /// (<see cref="SelectedColumnsBlock"/>). Blocks that can skip the other columns override it; this maps the whole block.
    /// </summary>
    public virtual GeneratorBlock AffineOnColumns(LinearLayer layer, Tensor columns) => Affine(layer);

    /// <summary><see cref="FinalAbsSum"/> for a block whose terms are zero outside <paramref name="columns"/>.</summary>
    public virtual Tensor FinalAbsSumOnColumns(FinalSpec spec, Tensor columns) => FinalAbsSum(spec);
}
