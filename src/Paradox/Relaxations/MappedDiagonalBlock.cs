using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// Diagonal generators mapped by an affine layer and then scaled per neuron: term t is `D[b, t] * S[b] * W e_Index[t]`.
/// Kept factored instead of materialising the [T, B, *out] generator tensor (for the fresh terms of a ReLU layer that
/// is T = neurons x batch x outputs): its norms are the small product `|D| |G|` (G = W applied to the unit vectors,
/// [T, out]), and the next Linear layer (or the final specification) maps it through the layer's adjoint: one
/// matrix product for a Linear layer, one transposed convolution of the weight rows for a Conv2d layer.
/// </summary>
public sealed class MappedDiagonalBlock : GeneratorBlock
{
    readonly DiagonalBlock source;
    readonly AffineLayer layer;
    readonly Tensor? scale;      // [B, *shape] or null (all ones)
    readonly long[] shape;       // per-sample shape of the block (the layer's output, possibly flattened)
    readonly ColumnCache columns; // G and |G|, shared by the scaled and flattened copies of this block

    /// <summary>G [T, out] and |G|, each computed on first use: the norms of every later layer read |G|.</summary>
    sealed class ColumnCache
    {
        public Tensor? G, AbsG;
    }

    public MappedDiagonalBlock(DiagonalBlock source, AffineLayer layer, Tensor? scale = null, long[]? shape = null)
        : this(source, layer, scale, shape ?? layer.OutputShape, new ColumnCache())
    {
    }

    MappedDiagonalBlock(DiagonalBlock source, AffineLayer layer, Tensor? scale, long[] shape, ColumnCache columns)
    {
        this.source = source;
        this.layer = layer;
        this.scale = scale;
        this.shape = shape;
        this.columns = columns;
    }

    long Batch => source.D.shape[0];

    /// <summary>G [T, out]: the layer's linear part applied to each selected unit vector (a column slice for Linear).</summary>
    Tensor Columns() => columns.G ??= layer is LinearLayer linear
        ? linear.Weight.index_select(1, source.Index).t()
        : layer.ApplyLinear(source.Units()).flatten(1);

    Tensor AbsColumns() => columns.AbsG ??= Columns().abs();

    public override GeneratorBlock Scale(Tensor perNeuron)
    {
        var s = perNeuron.reshape([Batch, .. shape]);
        return new MappedDiagonalBlock(source, layer, scale is null ? s : scale * s, shape, columns);
    }

    public override GeneratorBlock Flatten() =>
        new MappedDiagonalBlock(source, layer, scale?.flatten(1), [Neurons], columns);

    public override Tensor AbsSum()
    {
        var sum = source.D.abs().matmul(AbsColumns()); // [B, n]
        if (scale is not null) sum = sum * scale.abs().flatten(1);
        return sum.reshape([Batch, .. shape]);
    }

    public override GeneratorBlock Affine(AffineLayer next)
    {
        if (next is LinearLayer linear) return new DenseBlock(MapRows(linear.Weight.unsqueeze(0)).permute(2, 0, 1));
        return Materialize().Affine(next);
    }

    public override Tensor FinalAbsSum(FinalSpec spec) => MapRows(spec.Weight).abs().sum(2);

    public override GeneratorBlock AffineOnColumns(LinearLayer next, Tensor columns) => MatmulIsCheaper(columns)
        ? new DenseBlock(MapRows(next.Weight.index_select(1, columns).unsqueeze(0), columns).permute(2, 0, 1))
        : Affine(next);

    public override Tensor FinalAbsSumOnColumns(FinalSpec spec, Tensor columns) => MatmulIsCheaper(columns)
        ? MapRows(spec.Weight.index_select(2, columns), columns).abs().sum(2)
        : FinalAbsSum(spec);

    /// <summary>
    /// Whether rows restricted to <paramref name="columns"/> are cheaper through G's columns (k x T per row) than through
    /// the layer's adjoint (always so for a Linear layer; for a Conv2d one, its n x C_in k k per row).
    /// </summary>
    bool MatmulIsCheaper(Tensor columns) => layer is not Conv2dLayer conv
        || columns.shape[0] * source.Index.shape[0] < Neurons * conv.InChannels * conv.Kernel * conv.Kernel;

    long Neurons => shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// For rows R [1 or B, K, n] of a linear map on this block: `R S W e_t D[b,t]` as [B, K, T]. With
    /// <paramref name="columns"/>, R holds only those neurons' entries [1 or B, K, k] (the others carry no terms) and
    /// goes through G's columns.
    /// </summary>
    Tensor MapRows(Tensor rows, Tensor? columns = null)
    {
        var perNeuron = scale?.flatten(1);
        if (columns is not null) perNeuron = perNeuron?.index_select(1, columns);
        var scaled = perNeuron is null ? rows.expand(Batch, -1, -1) : rows * perNeuron.unsqueeze(1);
        long k = scaled.shape[1];
        Tensor back; // [B*K, T]
        if (columns is null && layer is Conv2dLayer conv)
            back = conv.ApplyAdjoint(scaled.reshape([Batch * k, .. conv.OutputShape])).flatten(1).index_select(1, source.Index);
        else
            back = scaled.reshape(Batch * k, -1).matmul((columns is null ? Columns() : Columns().index_select(1, columns)).t());
        return back.reshape(Batch, k, -1) * source.D.unsqueeze(1);
    }

    DenseBlock Materialize()
    {
        var g = Columns(); // [T, out]
        var e = source.D.t().unsqueeze(2) * g.unsqueeze(1); // [T, B, out]
        if (scale is not null) e = e * scale.flatten(1).unsqueeze(0);
        return new DenseBlock(e.reshape([e.shape[0], Batch, .. shape]));
    }
}
