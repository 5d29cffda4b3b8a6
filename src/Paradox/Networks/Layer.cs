using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Paradox.Networks;

/// <summary>
/// One layer of a feed-forward network. The relaxation engines walk the layer list and switch on the
/// concrete type, so layers are plain data plus a concrete forward pass; shapes are per sample.
/// </summary>
public abstract class Layer : IDisposable
{
    public long[] InputShape { get; internal set; } = [];
    public long[] OutputShape { get; internal set; } = [];
    public abstract string Kind { get; }
    public abstract Tensor Forward(Tensor x);
    /// <summary>Trainable tensors with their state-dict suffix (`weight`, `bias`).</summary>
    public virtual IEnumerable<(string Name, Parameter Value)> Parameters() => [];
    /// <summary>Non-trainable tensors that a PyTorch state dict may carry (`mean`, `sigma`).</summary>
    public virtual IEnumerable<(string Name, Tensor Value)> Buffers() => [];
    public virtual string Describe() => Kind;
    public virtual void Dispose() { }
    internal abstract Layer MoveTo(Device device, ScalarType? dtype = null);
}
