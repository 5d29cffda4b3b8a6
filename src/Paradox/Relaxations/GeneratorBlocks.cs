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
}

/// <summary>Dense generators `E` [T, B, *shape].</summary>
public sealed class DenseBlock(Tensor e) : GeneratorBlock
{
    public Tensor E { get; } = e;
    public override GeneratorBlock Scale(Tensor perNeuron) => new DenseBlock(E * perNeuron.unsqueeze(0));
    public override GeneratorBlock Flatten() => new DenseBlock(E.flatten(2));
    public override GeneratorBlock Affine(AffineLayer layer)
    {
        long t = E.shape[0], b = E.shape[1];
        var flat = E.reshape([t * b, .. E.shape[2..]]);
        var mapped = layer.ApplyLinear(flat);
        return new DenseBlock(mapped.reshape([t, b, .. mapped.shape[1..]]));
    }
    public override Tensor AbsSum() => E.abs().sum(0L);
    public override Tensor FinalAbsSum(FinalSpec spec) =>
        // [B, T, n] x [B, n, K] -> [B, T, K]
        E.permute(1, 0, 2).bmm(spec.Weight.transpose(1, 2)).abs().sum(1);
}

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
    Tensor? columns;             // G [T, out], computed on first use

    public MappedDiagonalBlock(DiagonalBlock source, AffineLayer layer, Tensor? scale = null, long[]? shape = null, Tensor? columns = null)
    {
        this.source = source;
        this.layer = layer;
        this.scale = scale;
        this.shape = shape ?? layer.OutputShape;
        this.columns = columns;
    }

    long Batch => source.D.shape[0];

    /// <summary>G [T, out]: the layer's linear part applied to each selected unit vector (a column slice for Linear).</summary>
    Tensor Columns() => columns ??= layer is LinearLayer linear
        ? linear.Weight.index_select(1, source.Index).t()
        : layer.ApplyLinear(source.Units()).flatten(1);

    public override GeneratorBlock Scale(Tensor perNeuron)
    {
        var s = perNeuron.reshape([Batch, .. shape]);
        return new MappedDiagonalBlock(source, layer, scale is null ? s : scale * s, shape, columns);
    }

    public override GeneratorBlock Flatten() =>
        new MappedDiagonalBlock(source, layer, scale?.flatten(1), [shape.Aggregate(1L, (a, b) => a * b)], columns);

    public override Tensor AbsSum()
    {
        var sum = source.D.abs().matmul(Columns().abs()); // [B, n]
        if (scale is not null) sum = sum * scale.abs().flatten(1);
        return sum.reshape([Batch, .. shape]);
    }

    public override GeneratorBlock Affine(AffineLayer next)
    {
        if (next is LinearLayer linear) return new DenseBlock(MapRows(linear.Weight.unsqueeze(0)).permute(2, 0, 1));
        return Materialize().Affine(next);
    }

    public override Tensor FinalAbsSum(FinalSpec spec) => MapRows(spec.Weight).abs().sum(2);

    /// <summary>For rows R [1 or B, K, n] of a linear map on this block: `R S W e_t D[b,t]` as [B, K, T].</summary>
    Tensor MapRows(Tensor rows)
    {
        var scaled = scale is null ? rows.expand(Batch, -1, -1) : rows * scale.flatten(1).unsqueeze(1);
        long k = scaled.shape[1];
        Tensor back; // [B*K, T]
        if (layer is Conv2dLayer conv)
            back = conv.ApplyAdjoint(scaled.reshape([Batch * k, .. conv.OutputShape])).flatten(1).index_select(1, source.Index);
        else
            back = scaled.reshape(Batch * k, -1).matmul(Columns().t());
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

/// <summary>
/// Cauchy projections of a block: `P = C E` [k, B, *shape] with C standard Cauchy. The median of `|P|`
/// over the k projections estimates the L1 norm of each generator row: an estimate, not a sound bound.
/// </summary>
public sealed class CauchyBlock(Tensor p) : GeneratorBlock
{
    public Tensor P { get; } = p;

    public static CauchyBlock FromDiagonal(Tensor values, int projections, Generator? generator)
    {
        var u = rand([projections, .. values.shape[1..]], generator: generator, dtype: values.dtype, device: values.device);
        var cauchy = tan(Math.PI * (u - 0.5));
        return new CauchyBlock(cauchy.unsqueeze(1) * values.unsqueeze(0));
    }

    public override GeneratorBlock Scale(Tensor perNeuron) => new CauchyBlock(P * perNeuron.unsqueeze(0));
    public override GeneratorBlock Flatten() => new CauchyBlock(P.flatten(2));
    public override GeneratorBlock Affine(AffineLayer layer) => new CauchyBlock(((DenseBlock)new DenseBlock(P).Affine(layer)).E);
    public override Tensor AbsSum() => LowerMedian(P.abs(), 0);
    public override Tensor FinalAbsSum(FinalSpec spec) =>
        LowerMedian(P.permute(1, 0, 2).bmm(spec.Weight.transpose(1, 2)).abs(), 1);

    // torch.median's convention: the lower of the two middle values for an even count.
    static Tensor LowerMedian(Tensor t, long dim) => t.sort(dim).Values.select(dim, (t.shape[dim] - 1) / 2);
}
