using System.Diagnostics;
using static Paradox.ReferenceKernels;
using static TorchSharp.torch;

namespace Paradox;

/// <summary>One kernel on one shape: the largest deviation from the float64 reference and the bound it must stay under.</summary>
public sealed record KernelCheck(string Kernel, string Case, double MaxError, double Tolerance, double WorstRatio)
{
    public bool Passed => WorstRatio <= 1;
}

public sealed record KernelCheckReport(IReadOnlyList<KernelCheck> Checks, double Milliseconds)
{
    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>Per kernel, the check furthest over (or closest to) its bound.</summary>
    public IEnumerable<KernelCheck> WorstPerKernel() =>
        Checks.GroupBy(c => c.Kernel).Select(g => g.MaxBy(c => c.WorstRatio)!);

    public KernelCheck? FirstFailure => WorstPerKernel().Where(c => !c.Passed).MaxBy(c => c.WorstRatio);
}

/// <summary>
/// Checks the float32 kernels the engines use against plain float64 loops (<see cref="ReferenceKernels"/>), over
/// the convolution shapes of the paper's architectures (stride 1 and 2, padding 0 and 1, 1 to 128 channels; spatial
/// sizes reduced where the channels are many) and the matrix products and reductions of the engines.
/// A result of K float32 products summed in any order is within `gamma_K * sum|terms|` of the exact value,
/// `gamma_K = K u / (1 - K u)`, u = 2^-24 (Higham, Accuracy and Stability of Numerical Algorithms, 3.1); the check
/// allows twice that. The wrong oneDNN kernels of AMD Zen 5 are off by 10 to 90 times the values themselves.
/// </summary>
public static class KernelSelfCheck
{
    sealed record ConvCase(string Name, int Batch, int In, int Out, int Kernel, int Stride, int Padding, int Size);

    static readonly ConvCase[] ConvCases =
    [
        new("1->3 k3 s1 p0 8x8", 2, 1, 3, 3, 1, 0, 8),
        new("3->4 k3 s1 p1 8x8", 2, 3, 4, 3, 1, 1, 8),
        new("2->4 k3 s2 p0 9x9", 2, 2, 4, 3, 2, 0, 9),
        new("CONV 1->16 k4 s2 p1 28x28", 2, 1, 16, 4, 2, 1, 28),
        new("CONVPLUS 1->16 k4 s2 p0 28x28", 1, 1, 16, 4, 2, 0, 28),
        new("CONVPLUS 16->32 k4 s1 p0 13x13", 1, 16, 32, 4, 1, 0, 13),
        new("CONVPLUS 3->16 k4 s2 p0 32x32", 1, 3, 16, 4, 2, 0, 32),
        new("dm-medium 3->32 k3 s1 p0 12x12", 1, 3, 32, 3, 1, 0, 12),
        new("dm-medium 32->32 k4 s2 p0 12x12", 1, 32, 32, 4, 2, 0, 12),
        new("dm-medium 32->64 k3 s1 p0 8x8", 1, 32, 64, 3, 1, 0, 8),
        new("dm-medium 64->64 k4 s2 p0 8x8", 1, 64, 64, 4, 2, 0, 8),
        new("dm-large 3->64 k3 s1 p1 6x6", 1, 3, 64, 3, 1, 1, 6),
        new("dm-large 64->64 k3 s1 p1 5x5", 1, 64, 64, 3, 1, 1, 5),
        new("dm-large 64->128 k3 s2 p1 6x6", 1, 64, 128, 3, 2, 1, 6),
        new("dm-large 128->128 k3 s1 p1 3x3", 1, 128, 128, 3, 1, 1, 3),
    ];

    const double U = 1.0 / (1 << 24);

    static double Gamma(long k) => k * U / (1 - k * U);

    public static KernelCheckReport Run(IKernelProbe probe)
    {
        var watch = Stopwatch.StartNew();
        var checks = new List<KernelCheck>();
        var random = new Random(20261201);
        using (var _ = NewDisposeScope())
        using (var __ = no_grad())
        {
            foreach (var c in ConvCases) checks.AddRange(CheckConvolution(probe, c, random));
            checks.AddRange(CheckMatrixProducts(probe, random));
            checks.AddRange(CheckReductionsAndElementwise(probe, random));
        }
        return new KernelCheckReport(checks, watch.Elapsed.TotalMilliseconds);
    }

    static IEnumerable<KernelCheck> CheckConvolution(IKernelProbe probe, ConvCase c, Random random)
    {
        int outSize = (c.Size + 2 * c.Padding - c.Kernel) / c.Stride + 1;
        var x = Draw(random, c.Batch, c.In, c.Size, c.Size);
        var w = Draw(random, c.Out, c.In, c.Kernel, c.Kernel);
        var g = Draw(random, c.Batch, c.Out, outSize, outSize);
        var (xt, wt, gt) = (x.ToTensor(), w.ToTensor(), g.ToTensor());
        int outputPadding = c.Size - ((outSize - 1) * c.Stride - 2 * c.Padding + c.Kernel);

        var forward = Conv2d(x, w, c.Stride, c.Padding, outSize, outSize);
        yield return Compare("conv2d", c.Name, probe.Conv2d(xt, wt, c.Stride, c.Padding), forward, c.In * c.Kernel * c.Kernel);

        var adjoint = ConvTranspose2d(g, w, c.Stride, c.Padding, c.Size, c.Size);
        long adjointTerms = (long)c.Out * c.Kernel * c.Kernel;
        yield return Compare("conv_transpose2d", c.Name, probe.ConvTranspose2d(gt, wt, c.Stride, c.Padding, outputPadding),
            adjoint, adjointTerms);

        var engine = probe.EngineAdjoint(gt, wt, c.Stride, c.Padding, [c.In, c.Size, c.Size]);
        yield return Compare("conv adjoint (bmm, fold)", c.Name, engine, adjoint, adjointTerms);

        var (input, weight) = probe.Conv2dGradients(xt, wt, gt, c.Stride, c.Padding);
        yield return Compare("conv2d input gradient", c.Name, input, adjoint, adjointTerms);
        var weightReference = Conv2dWeightGradient(x, g, c.Kernel, c.Stride, c.Padding);
        yield return Compare("conv2d weight gradient", c.Name, weight, weightReference, (long)c.Batch * outSize * outSize);
    }

    static IEnumerable<KernelCheck> CheckMatrixProducts(IKernelProbe probe, Random random)
    {
        // A layer's weights, back-substitution's batched coefficient products, and a matrix-vector product.
        foreach (var (batch, m, k, n) in new[] { (1, 16, 784, 64), (4, 10, 200, 33), (3, 9, 100, 1), (1, 100, 100, 100) })
        {
            var a = DrawFlat(random, batch * m * k);
            var b = DrawFlat(random, batch * k * n);
            var at = tensor(ToFloat(a)).reshape(batch == 1 ? [m, k] : [batch, m, k]);
            var bt = tensor(ToFloat(b)).reshape(batch == 1 ? [k, n] : [batch, k, n]);
            yield return Compare("matmul", $"[{batch},{m},{k}] x [{batch},{k},{n}]", probe.MatMul(at, bt), MatMul(a, b, batch, m, k, n), k);
        }
    }

    static IEnumerable<KernelCheck> CheckReductionsAndElementwise(IKernelProbe probe, Random random)
    {
        foreach (var (outer, inner) in new[] { (64, 1000), (7, 784), (3, 20000) })
        {
            var x = DrawFlat(random, outer * inner);
            var xt = tensor(ToFloat(x)).reshape([outer, inner]);
            yield return Compare("sum", $"[{outer},{inner}] over dim 1", probe.Sum(xt, [1]), RowSums(x, outer, inner), inner);
        }
        var images = Draw(random, 4, 16, 14, 14);
        var imageSums = RowSums(images.Data, 4 * 16, 14 * 14);
        yield return Compare("sum", "[4,16,14,14] over dims 2,3", probe.Sum(images.ToTensor(), [2, 3]), imageSums, 14 * 14);

        int count = 4096;
        var (a, b, cv) = (DrawFlat(random, count), DrawFlat(random, count), DrawFlat(random, count));
        var value = new double[count];
        var magnitude = new double[count];
        for (int i = 0; i < count; i++)
        {
            double product = Math.Max(a[i], 0) * b[i];
            value[i] = product - Math.Abs(cv[i]);
            magnitude[i] = Math.Abs(product) + Math.Abs(cv[i]);
        }
        var result = probe.Elementwise(tensor(ToFloat(a)), tensor(ToFloat(b)), tensor(ToFloat(cv)));
        yield return Compare("elementwise", "relu(a) * b - |c| over 4096", result, (value, magnitude), 2);
    }

    static KernelCheck Compare(string kernel, string name, Tensor actual, (double[] Value, double[] Magnitude) reference, long terms)
    {
        var got = actual.detach().to(ScalarType.Float64).contiguous().flatten().data<double>().ToArray();
        if (got.Length != reference.Value.Length)
            return new KernelCheck(kernel, name + $" (shape: {got.Length} values, expected {reference.Value.Length})",
                double.PositiveInfinity, 0, double.PositiveInfinity);
        double gamma = 2 * Gamma(terms);
        double maxError = 0, worstRatio = 0, toleranceAtWorst = 0;
        for (int i = 0; i < got.Length; i++)
        {
            double error = Math.Abs(got[i] - reference.Value[i]);
            double tolerance = gamma * reference.Magnitude[i] + double.Epsilon;
            double ratio = double.IsFinite(error) ? error / tolerance : double.PositiveInfinity;
            maxError = Math.Max(maxError, double.IsNaN(error) ? double.PositiveInfinity : error);
            if (i == 0 || ratio > worstRatio || double.IsNaN(ratio))
                (worstRatio, toleranceAtWorst) = (double.IsNaN(ratio) ? double.PositiveInfinity : ratio, tolerance);
        }
        return new KernelCheck(kernel, name, maxError, toleranceAtWorst, worstRatio);
    }

    /// <summary>Values in [-1, 1] on a grid of 2^-12, exact in float32.</summary>
    static double[] DrawFlat(Random random, int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = (random.Next(8193) - 4096) / 4096.0;
        return values;
    }

    static Array4 Draw(Random random, int n, int c, int h, int w) => new(DrawFlat(random, n * c * h * w), n, c, h, w);

    static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);

    static Tensor ToTensor(this Array4 a) => tensor(ToFloat(a.Data)).reshape([a.N, a.C, a.H, a.W]);
}
