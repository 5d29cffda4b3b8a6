namespace Paradox;

/// <summary>
/// The self-check's reference: plain C# loops in float64, independent of every native kernel. Each result comes
/// with the sum of the absolute values of its terms, from which the float32 error bound is derived.
/// </summary>
static class ReferenceKernels
{
    /// <summary>A dense array in C order with its shape.</summary>
    public sealed record Array4(double[] Data, int N, int C, int H, int W)
    {
    }

    /// <summary>Exact values and absolute sums of `conv2d(x, w)` (cross-correlation, zero padding).</summary>
    public static (double[] Value, double[] Magnitude) Conv2d(Array4 x, Array4 w, int stride, int padding, int outH, int outW)
    {
        var value = new double[x.N * w.N * outH * outW];
        var magnitude = new double[value.Length];
        double[] xd = x.Data, wd = w.Data;
        int channels = x.C, h = x.H, width = x.W, k = w.H;
        Parallel.For(0, x.N * w.N, no =>
        {
            int n = no / w.N, o = no % w.N;
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                {
                    double s = 0, a = 0;
                    for (int c = 0; c < channels; c++)
                        for (int kh = 0; kh < k; kh++)
                        {
                            int ih = oh * stride - padding + kh;
                            if (ih < 0 || ih >= h) continue;
                            int xRow = ((n * channels + c) * h + ih) * width, wRow = ((o * channels + c) * k + kh) * k;
                            for (int kw = 0; kw < k; kw++)
                            {
                                int iw = ow * stride - padding + kw;
                                if (iw < 0 || iw >= width) continue;
                                double t = xd[xRow + iw] * wd[wRow + kw];
                                s += t;
                                a += Math.Abs(t);
                            }
                        }
                    int i = (no * outH + oh) * outW + ow;
                    value[i] = s;
                    magnitude[i] = a;
                }
        });
        return (value, magnitude);
    }

    /// <summary>
    /// The adjoint of conv2d applied to an output-shaped <paramref name="g"/>: `conv_transpose2d`, which is also the
    /// input gradient of conv2d. The result has the input's shape [N, C, inH, inW].
    /// </summary>
    public static (double[] Value, double[] Magnitude) ConvTranspose2d(Array4 g, Array4 w, int stride, int padding, int inH, int inW)
    {
        int channels = w.C, outputs = g.C, k = w.H, gh = g.H, gw = g.W;
        var value = new double[g.N * channels * inH * inW];
        var magnitude = new double[value.Length];
        double[] gd = g.Data, wd = w.Data;
        // Gathered per input position: (ih, iw) receives g[oh, ow] w[kh, kw] where oh stride - padding + kh = ih.
        Parallel.For(0, g.N * channels, nc =>
        {
            int n = nc / channels, c = nc % channels;
            for (int ih = 0; ih < inH; ih++)
                for (int iw = 0; iw < inW; iw++)
                {
                    double s = 0, a = 0;
                    for (int o = 0; o < outputs; o++)
                        for (int kh = 0; kh < k; kh++)
                        {
                            int rh = ih + padding - kh;
                            if (rh < 0 || rh % stride != 0 || rh / stride >= gh) continue;
                            int gRow = ((n * outputs + o) * gh + rh / stride) * gw, wRow = ((o * channels + c) * k + kh) * k;
                            for (int kw = 0; kw < k; kw++)
                            {
                                int rw = iw + padding - kw;
                                if (rw < 0 || rw % stride != 0 || rw / stride >= gw) continue;
                                double t = gd[gRow + rw / stride] * wd[wRow + kw];
                                s += t;
                                a += Math.Abs(t);
                            }
                        }
                    int i = (nc * inH + ih) * inW + iw;
                    value[i] = s;
                    magnitude[i] = a;
                }
        });
        return (value, magnitude);
    }

    /// <summary>The weight gradient of conv2d, `sum over n, oh, ow of g[n,o,oh,ow] x[n,c,ih,iw]`, shaped like w.</summary>
    public static (double[] Value, double[] Magnitude) Conv2dWeightGradient(Array4 x, Array4 g, int kernel, int stride, int padding)
    {
        var value = new double[g.C * x.C * kernel * kernel];
        var magnitude = new double[value.Length];
        double[] xd = x.Data, gd = g.Data;
        int channels = x.C, outputs = g.C, h = x.H, width = x.W, gh = g.H, gw = g.W;
        Parallel.For(0, outputs * channels, oc =>
        {
            int o = oc / channels, c = oc % channels;
            for (int kh = 0; kh < kernel; kh++)
                for (int kw = 0; kw < kernel; kw++)
                {
                    double s = 0, a = 0;
                    for (int n = 0; n < x.N; n++)
                        for (int oh = 0; oh < gh; oh++)
                        {
                            int ih = oh * stride - padding + kh;
                            if (ih < 0 || ih >= h) continue;
                            int gRow = ((n * outputs + o) * gh + oh) * gw, xRow = ((n * channels + c) * h + ih) * width;
                            for (int ow = 0; ow < gw; ow++)
                            {
                                int iw = ow * stride - padding + kw;
                                if (iw < 0 || iw >= width) continue;
                                double t = gd[gRow + ow] * xd[xRow + iw];
                                s += t;
                                a += Math.Abs(t);
                            }
                        }
                    int i = (oc * kernel + kh) * kernel + kw;
                    value[i] = s;
                    magnitude[i] = a;
                }
        });
        return (value, magnitude);
    }

    /// <summary>`a @ b` for [batch, m, k] x [batch, k, n] (batch 1 for plain matrices).</summary>
    public static (double[] Value, double[] Magnitude) MatMul(double[] a, double[] b, int batch, int m, int k, int n)
    {
        var value = new double[batch * m * n];
        var magnitude = new double[value.Length];
        for (int p = 0; p < batch; p++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0, abs = 0;
                    for (int t = 0; t < k; t++)
                    {
                        double v = a[(p * m + i) * k + t] * b[(p * k + t) * n + j];
                        s += v;
                        abs += Math.Abs(v);
                    }
                    value[(p * m + i) * n + j] = s;
                    magnitude[(p * m + i) * n + j] = abs;
                }
        return (value, magnitude);
    }

    /// <summary>Sums of [outer, inner] over the inner dimension.</summary>
    public static (double[] Value, double[] Magnitude) RowSums(double[] x, int outer, int inner)
    {
        var value = new double[outer];
        var magnitude = new double[outer];
        for (int i = 0; i < outer; i++)
            for (int j = 0; j < inner; j++)
            {
                value[i] += x[i * inner + j];
                magnitude[i] += Math.Abs(x[i * inner + j]);
            }
        return (value, magnitude);
    }
}
