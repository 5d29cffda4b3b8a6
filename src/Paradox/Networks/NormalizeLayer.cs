using static TorchSharp.torch;

namespace Paradox.Networks;

/// <summary>Per-channel affine normalisation `(x - mean) / sigma`, the first layer of the paper's networks.</summary>
public sealed class NormalizeLayer : Layer
{
    public Tensor Mean { get; private set; }  // [1, C, 1, 1]
    public Tensor Sigma { get; private set; } // [1, C, 1, 1]
    public NormalizeLayer(float[] mean, float[] sigma, Device? device = null)
    {
        if (mean.Length != sigma.Length) throw new ArgumentException("mean and sigma lengths differ");
        Mean = tensor(mean, device: device).reshape(1, mean.Length, 1, 1);
        Sigma = tensor(sigma, device: device).reshape(1, sigma.Length, 1, 1);
    }
    public int Channels => (int)Mean.shape[1];
    public override string Kind => "Normalize";
    public override Tensor Forward(Tensor x) => (x - Mean) / Sigma;
    public override IEnumerable<(string, Tensor)> Buffers() => [("mean", Mean), ("sigma", Sigma)];
    public override string Describe() =>
        $"Normalize(mean=[{string.Join(", ", Mean.data<float>().Select(v => v.ToString("0.####")))}], " +
            $"sigma=[{string.Join(", ", Sigma.data<float>().Select(v => v.ToString("0.####")))}])";
    internal void SetConstants(Tensor mean, Tensor sigma)
    {
        var c = Channels;
        var m = mean.to(float32).to(Mean.device).reshape(1, c, 1, 1);
        var s = sigma.to(float32).to(Sigma.device).reshape(1, c, 1, 1);
        Mean.Dispose(); Sigma.Dispose();
        Mean = m; Sigma = s;
    }
    internal override Layer MoveTo(Device device, ScalarType? dtype = null)
    {
        Mean = Mean.to(dtype ?? Mean.dtype, device);
        Sigma = Sigma.to(dtype ?? Sigma.dtype, device);
        return this;
    }
    public override void Dispose() { Mean.Dispose(); Sigma.Dispose(); }
}
