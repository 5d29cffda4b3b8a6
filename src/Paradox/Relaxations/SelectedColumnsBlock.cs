using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// A block whose terms are zero on every neuron outside <see cref="Columns"/> (flat indices): a ReLU gave those neurons
/// slope 0 in every sample of the batch (inactive, or crossing under the interval rule). The next Linear layer then
/// multiplies only those columns of its weight, and the final specification only those columns of its rows. After a
/// trained network's ReLU most neurons are dead in the whole batch, so this is most of the work saved. A zero slope is a
/// constant branch of the rule, so leaving those columns out changes neither a bound nor a gradient (float rounding aside).
/// </summary>
public sealed class SelectedColumnsBlock(GeneratorBlock inner, Tensor columns) : GeneratorBlock
{
    public Tensor Columns { get; } = columns;

    public override GeneratorBlock Scale(Tensor perNeuron) => new SelectedColumnsBlock(inner.Scale(perNeuron), Columns);
    public override GeneratorBlock Flatten() => new SelectedColumnsBlock(inner.Flatten(), Columns);
    public override GeneratorBlock Affine(AffineLayer layer) =>
        layer is LinearLayer linear ? inner.AffineOnColumns(linear, Columns) : inner.Affine(layer);
    public override Tensor AbsSum() => inner.AbsSum();
    public override Tensor FinalAbsSum(FinalSpec spec) => inner.FinalAbsSumOnColumns(spec, Columns);
}
