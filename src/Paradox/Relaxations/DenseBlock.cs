using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

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
    public override GeneratorBlock AffineOnColumns(LinearLayer layer, Tensor columns)
    {
        long t = E.shape[0], b = E.shape[1];
        var selected = E.reshape(t * b, -1).index_select(1, columns);
        var mapped = layer.ApplyLinear(selected, layer.Weight.index_select(1, columns));
        return new DenseBlock(mapped.reshape(t, b, -1));
    }
    public override Tensor AbsSum() => E.abs().sum(0L);
    public override Tensor FinalAbsSum(FinalSpec spec) =>
        // [B, T, n] x [B, n, K] -> [B, T, K]
        E.permute(1, 0, 2).bmm(spec.Weight.transpose(1, 2)).abs().sum(1);
    public override Tensor FinalAbsSumOnColumns(FinalSpec spec, Tensor columns) =>
        E.flatten(2).index_select(2, columns).permute(1, 0, 2).bmm(spec.Weight.index_select(2, columns).transpose(1, 2)).abs().sum(1);
}
