using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

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
