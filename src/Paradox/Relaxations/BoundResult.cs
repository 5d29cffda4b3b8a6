using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>Pre-activation bounds of one ReLU layer (index into the network's layer list), per sample.</summary>
public sealed record LayerBounds(int LayerIndex, Tensor Lower, Tensor Upper);

/// <summary>Bounds of the specification rows `C z` ([B, K]); Upper is null when the engine skipped it.</summary>
public sealed record BoundResult(Tensor Lower, Tensor? Upper, IReadOnlyList<LayerBounds> PreActivation);
