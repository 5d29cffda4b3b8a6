using Paradox.Analysis;
using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Analysis;

/// <summary>On the naturally trained CONV, the jump search agrees with the theory: Box never jumps, hBox does.</summary>
public sealed class ContinuityProbeTests : IDisposable
{
    readonly Network network =
        ModelFile.Load(TestPaths.Model("mnist_CONV_natural.pt"), new ModelFile.Hints("CONV", DatasetInfo.Mnist, true));
    readonly LabeledImages data;
    readonly ParameterDirection direction;
    // Small but honest settings: 10 images, one direction, a coarse grid, a few intervals bisected 16 times.
    readonly ContinuitySettings settings = new(Points: 11, Span: 1, new JumpSearchSettings(Probes: 2, MaxOutliers: 1));

    public ContinuityProbeTests()
    {
        using (var test = DatasetCatalog.Load(DatasetInfo.Mnist, train: false))
            data = test.Select(Enumerable.Range(0, 10).Select(i => (long)i).ToArray());
        using var generator = new Generator(7);
        direction = ParameterDirection.FilterNormalized(network, generator);
    }

    public void Dispose()
    {
        direction.Dispose();
        data.Dispose();
        network.Dispose();
    }

    ContinuityResult Probe(string name)
    {
        var relaxation = RelaxationCatalog.Create(name);
        var result = ContinuityProbe.Run(network, name, Losses.Certified(relaxation, data.Images, data.Labels, 0.1), [direction],
            settings, seed: 0);
        var agreement = ContinuityAgreement.Compare(ContinuityTheory.Derive(relaxation), result);
        Assert.True(agreement.Agrees, $"{name}: {agreement.Text}");
        return result;
    }

    [Fact]
    public void Box_loss_has_no_jump()
    {
        var r = Probe("box");
        Assert.Equal(0, r.JumpsFound);
        Assert.Equal(0, r.PerUnitLength);
    }

    [Fact]
    public void HBox_loss_jumps()
    {
        var r = Probe("hbox");
        Assert.True(r.JumpsFound > 0);
        Assert.True(r.LargestJump > 0);
        Assert.Equal(1, r.DirectionsWithJump);
    }

    [Fact]
    public void The_weights_are_restored()
    {
        var before = network.ParameterHash();
        Probe("box");
        Assert.Equal(before, network.ParameterHash());
    }
}
