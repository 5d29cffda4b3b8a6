using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Tests.Relaxations;
using Paradox.Training.Methods;
using static TorchSharp.torch;

namespace Paradox.Tests.Training.Methods;

/// <summary>
/// Small cases whose losses are worked out by hand. <see cref="Linear"/> is `f(x) = (x0 - x1, 2 x1 + 0.5)` on two pixels,
/// so for label 0 the margin `f0 - f1 = x0 - 3 x1 - 0.5` is linear and Box bounds it exactly over any box.
/// </summary>
static class MethodCases
{
    public static Network Linear() => new TestNetworkBuilder([2]).Linear(2)
        .Set(0, TestNetworkBuilder.Row(0, 0f, (0, 1f), (1, -1f)))
        .Set(0, TestNetworkBuilder.Row(1, 0.5f, (1, 2f)))
        .Build(1);

    /// <summary>One image (0.5, 0.1) of label 0.</summary>
    public static Tensor X => tensor(new float[] { 0.5f, 0.1f }).reshape(1, 2);
    public static Tensor Y => tensor(new long[] { 0 });

    /// <summary>An attack that returns a fixed point, whatever it is given.</summary>
    public static TrainingAttack Fixed(float a0, float a1) => (network, x, y, region, generator) => tensor(new[] { a0, a1 }).reshape(1, 2);

    /// <summary>Cross-entropy of label 0 when class 1's logit exceeds class 0's by <paramref name="d"/>.</summary>
    public static double Ce(double d) => Math.Log(1 + Math.Exp(d));

    /// <summary>1x6x6 -> 10 -> 8 -> 3 with ReLUs and a seeded batch of 6 (as the analysis tests use).</summary>
    public static (Network Network, Tensor X, Tensor Y) Tiny(ulong seed = 7)
    {
        var network = new TestNetworkBuilder([1, 6, 6]).Flatten().Linear(10).Relu().Linear(8).Relu().Linear(3).Build(seed);
        using var generator = new Generator(seed + 1);
        var x = rand([6, 1, 6, 6], generator: generator);
        return (network, x, tensor(new long[] { 0, 1, 2, 0, 1, 2 }));
    }

    public static Relaxation Box => RelaxationCatalog.Create("box");

    /// <summary>The gradients of every parameter after <paramref name="backward"/>, flattened into one array (0 where none).</summary>
    public static float[] GradientOf(Network network, Action backward)
    {
        foreach (var p in network.Parameters()) p.grad?.zero_();
        backward();
        return network.Parameters().SelectMany(p => p.grad is { } g ? g.data<float>().ToArray() : new float[p.numel()]).ToArray();
    }

    public static float[] Weights(Network network) => network.Parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
}
