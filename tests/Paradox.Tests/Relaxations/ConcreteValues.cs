using Paradox.Networks;
using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// What a network computes on concrete inputs, per sample b and point p of that sample's region:
/// the pre-activation of every ReLU layer [B, P, n_i] (flattened), the logits [B, P, K] and the `diffs`
/// specification values `z_y - z_j` [B, P, K-1].
/// </summary>
sealed record ConcreteValues(IReadOnlyList<Tensor> PreActivations, Tensor Logits, Tensor Diffs)
{
    /// <summary>Evaluates the network on <paramref name="points"/> [B, P, *input shape].</summary>
    public static ConcreteValues Of(Network network, Tensor points, Tensor labels)
    {
        long b = points.shape[0], p = points.shape[1];
        var h = points.flatten(0, 1);
        var pre = new List<Tensor>();
        foreach (var layer in network.Layers)
        {
            if (layer is ReluLayer) pre.Add(h.reshape(b, p, -1));
            h = layer.Forward(h);
        }
        var logits = h.reshape(b, p, -1);
        var c = Specification.Matrix(SpecKind.Diffs, labels, network.NumClasses);
        return new ConcreteValues(pre, logits, logits.matmul(c.transpose(1, 2)));
    }

    /// <summary>Every tracked value side by side, [B, P, M].</summary>
    public Tensor All() => cat([.. PreActivations, Logits, Diffs], 2);

    /// <summary>Samples with a point whose prediction is not the label, [B].</summary>
    public Tensor Misclassified(Tensor labels) => Logits.argmax(2).ne(labels.unsqueeze(1)).any(1);
}
