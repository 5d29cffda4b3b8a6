using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// The neurons of a ReLU layer that still carry terms: those whose slope is non-zero in some sample of the batch. After
/// the ReLU the others are 0 in every row (a constant branch of the rule, so also in the gradient), and the next Linear
/// layer multiplies only the live columns: most of a trained network's neurons are dead in the whole batch.
/// </summary>
static class LiveNeurons
{
    /// <summary>The flat indices where <paramref name="nonZero"/> [B, *shape] holds in some sample, or null when that
    /// is every neuron.</summary>
    public static Tensor? Of(Tensor nonZero)
    {
        var live = nonZero.flatten(1).any(0L).nonzero().squeeze(1);
        return live.shape[0] == nonZero.numel() / nonZero.shape[0] ? null : live;
    }
}
