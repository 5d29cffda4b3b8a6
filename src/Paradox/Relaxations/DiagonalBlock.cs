using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// One generator per selected neuron: term t has the single entry `D[:, t]` at flat neuron index `Index[t]`.
/// Neurons whose value is zero in the whole batch are left out.
/// </summary>
public sealed class DiagonalBlock : GeneratorBlock
{
    public Tensor D { get; }        // [B, T]
    public Tensor Index { get; }    // [T] flat neuron indices
    public long[] Shape { get; }    // per-sample shape of the layer
    long Neurons => Shape.Aggregate(1L, (a, b) => a * b);

    public DiagonalBlock(Tensor d, Tensor index, long[] shape)
    {
        D = d;
        Index = index;
        Shape = shape;
    }

    /// <summary>A block for `values` [B, *shape], keeping only neurons that are non-zero for some sample.</summary>
    public static DiagonalBlock FromValues(Tensor values)
    {
        var flat = values.flatten(1);
        var index = flat.ne(0).any(0L).nonzero().squeeze(1);
        return new DiagonalBlock(flat.index_select(1, index), index, values.shape[1..]);
    }

    public override GeneratorBlock Scale(Tensor perNeuron) =>
        new DiagonalBlock(D * perNeuron.flatten(1).index_select(1, Index), Index, Shape);

    public override GeneratorBlock Flatten() => new DiagonalBlock(D, Index, [Neurons]);

    public override GeneratorBlock Affine(AffineLayer layer) => new MappedDiagonalBlock(this, layer);

    /// <summary>The same terms as dense generators [T, B, *shape] (the straightforward form the factored blocks must equal).</summary>
    internal DenseBlock ToDense() => new(Units().unsqueeze(1) * D.t().reshape([D.shape[1], D.shape[0], .. Shape.Select(_ => 1L)]));

    /// <summary>Unit vectors of the selected neurons, [T, *shape].</summary>
    internal Tensor Units()
    {
        var units = zeros([Index.shape[0], Neurons], dtype: D.dtype, device: D.device);
        units.scatter_(1, Index.unsqueeze(1), ones([Index.shape[0], 1], dtype: D.dtype, device: D.device));
        return units.reshape([Index.shape[0], .. Shape]);
    }

    public override Tensor AbsSum() =>
        zeros([D.shape[0], Neurons], dtype: D.dtype, device: D.device).index_add(1, Index, D.abs(), 1).reshape([D.shape[0], .. Shape]);

    public override Tensor FinalAbsSum(FinalSpec spec) =>
        // sum_t |D[b,t]| |W'[b,k,Index t]|
        spec.Weight.index_select(2, Index).abs().bmm(D.abs().unsqueeze(2)).squeeze(2);
}
