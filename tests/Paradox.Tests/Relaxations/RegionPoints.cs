using static TorchSharp.torch;

namespace Paradox.Tests.Relaxations;

/// <summary>
/// Concrete inputs in each sample's region: its centre, uniform samples, random corners, and for every
/// tracked value (see <see cref="ConcreteValues"/>) one point pushed towards its minimum and one towards its
/// maximum by signed-gradient steps with projection (a PGD per value).
/// </summary>
static class RegionPoints
{
    public static Tensor Sample(BoundCase c, int uniform, int corners, int steps, Generator generator)
    {
        var lo = c.Region.Lower.unsqueeze(1);
        var hi = c.Region.Upper.unsqueeze(1);
        long b = lo.shape[0];
        long[] shape = [.. c.Region.Lower.shape[1..]];
        var u = rand([b, uniform, .. shape], generator: generator);
        var bits = rand([b, corners, .. shape], generator: generator).lt(0.5);
        return cat([
            (lo + hi) / 2,
            lo + (hi - lo) * u,
            where(bits, hi, lo),
            Extremes(c, steps, generator),
        ], 1);
    }

    /// <summary>For each of the M tracked values, a point driven to its minimum and one to its maximum: [B, 2M, *shape].</summary>
    static Tensor Extremes(BoundCase c, int steps, Generator generator)
    {
        long b = c.Region.Lower.shape[0];
        long m;
        using (no_grad())
            m = ConcreteValues.Of(c.Network, c.X.unsqueeze(1), c.Labels).All().shape[2];
        long[] shape = [b, 2 * m, .. c.Region.Lower.shape[1..]];
        var lo = c.Region.Lower.unsqueeze(1).expand(shape);
        var hi = c.Region.Upper.unsqueeze(1).expand(shape);
        // Replica r of a sample pushes value r % m, down for r < m and up for r >= m.
        var target = arange(2 * m).remainder(m).reshape(1, 2 * m, 1).expand(b, 2 * m, 1);
        var direction = cat([-ones(m), ones(m)]).reshape(1, 2 * m);
        var x = (lo + (hi - lo) * rand(shape, generator: generator)).detach();
        for (int step = 0; step < steps; step++)
        {
            x.requires_grad_(true);
            using (enable_grad())
            {
                var values = ConcreteValues.Of(c.Network, x, c.Labels).All().gather(2, target).squeeze(2);
                var grad = autograd.grad([(values * direction).sum()], [x])[0];
                double size = 0.5 * (1 - (double)step / steps);
                using (no_grad())
                    x = (x.detach() + size * (hi - lo) * grad.sign()).clamp(lo, hi).detach();
            }
        }
        return x;
    }
}
