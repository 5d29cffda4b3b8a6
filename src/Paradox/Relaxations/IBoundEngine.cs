using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>A propagation engine: bounds the final specification over an input region.</summary>
public interface IBoundEngine
{
    BoundResult Bound(Network network, InputRegion region, FinalSpec spec, bool recordLayers);
}
