using System.Globalization;
using Paradox.Analysis;
using Paradox.Reporting;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Analysis;

/// <summary>Loss landscapes: the grid, evaluation through theta, the PNG and CSV files, the suspected-jump rule.</summary>
public sealed class LandscapeTests : IDisposable
{
    readonly TinyLossSetup setup = new();
    readonly ScratchDir dir = new();

    public void Dispose()
    {
        setup.Dispose();
        dir.Dispose();
    }

    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Grid_is_symmetric_with_zero_in_the_middle()
    {
        var t = LossLandscape.Grid(0.5, 5);
        Assert.Equal([-0.5, -0.25, 0, 0.25, 0.5], t);
    }

    [Theory]
    [InlineData(0.0, 5, "--span")]
    [InlineData(-1.0, 5, "--span")]
    [InlineData(1.0, 2, "--points")]
    public void Grid_rejects_bad_settings(double span, int points, string flag)
    {
        var e = Assert.Throws<ParadoxException>(() => LossLandscape.Grid(span, points));
        Assert.StartsWith(flag, e.Message);
    }

    [Fact]
    public void Line_at_t_zero_is_the_loss_at_theta_and_theta_is_restored()
    {
        var losses = new[] { setup.Natural, setup.Certified("box"), setup.Certified("deeppoly") };
        var atTheta = losses.Select(l => l.Value(setup.Network)).ToArray();
        var hash = setup.Network.ParameterHash();
        using var generator = new Generator(3);
        using var d = ParameterDirection.FilterNormalized(setup.Network, generator);

        var line = LossLandscape.Line(setup.Network, losses, d, LossLandscape.Grid(1, 5));

        Assert.Equal(hash, setup.Network.ParameterHash());
        for (int k = 0; k < losses.Length; k++)
        {
            Assert.Equal(atTheta[k], line.Losses[k][2]);
            Assert.NotEqual(atTheta[k], line.Losses[k][0]);
        }
    }

    [Fact]
    public void Line_writes_a_png_and_a_csv_with_one_row_per_point_and_loss()
    {
        var losses = new[] { setup.Certified("box"), setup.Certified("crown-ibp") };
        using var generator = new Generator(3);
        using var d = ParameterDirection.FilterNormalized(setup.Network, generator);
        var line = LossLandscape.Line(setup.Network, losses, d, LossLandscape.Grid(1, 7));
        var png = dir.File("line.png");
        var csv = dir.File("line.csv");

        LandscapePlot.Write(png, LandscapePlot.Render(line, "tiny", log: true));
        LandscapeCsv.Write(csv, LandscapeCsv.Format(line));

        AssertPng(png);
        var rows = File.ReadAllLines(csv);
        Assert.Equal("t,relaxation,loss", rows[0]);
        Assert.Equal(1 + 2 * 7, rows.Length);
        var fields = rows[1 + 7 + 3].Split(',');
        Assert.Equal(0, double.Parse(fields[0], CultureInfo.InvariantCulture));
        Assert.Equal("crown-ibp", fields[1]);
        Assert.Equal(line.Losses[1][3], double.Parse(fields[2], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Plane_writes_a_png_and_a_csv_and_restores_theta()
    {
        var losses = new[] { setup.Certified("box"), setup.Certified("hbox") };
        var hash = setup.Network.ParameterHash();
        using var generator = new Generator(3);
        using var d1 = ParameterDirection.FilterNormalized(setup.Network, generator);
        using var d2 = ParameterDirection.FilterNormalized(setup.Network, generator);
        var t = LossLandscape.Grid(0.5, 3);
        var plane = LossLandscape.Plane(setup.Network, losses, d1, d2, t, t);
        var png = dir.File("plane.png");
        var csv = dir.File("plane.csv");

        LandscapePlot.Write(png, LandscapePlot.Render(plane, "tiny", log: false));
        LandscapeCsv.Write(csv, LandscapeCsv.Format(plane));

        Assert.Equal(hash, setup.Network.ParameterHash());
        Assert.Equal(losses[1].Value(setup.Network), plane.Losses[1][1, 1]);
        AssertPng(png);
        var rows = File.ReadAllLines(csv);
        Assert.Equal("t1,t2,relaxation,loss", rows[0]);
        Assert.Equal(1 + 2 * 9, rows.Length);
    }

    [Fact]
    public void A_step_is_a_suspected_jump()
    {
        var curve = Enumerable.Range(0, 21).Select(i => 0.01 * i + (i >= 12 ? 1.0 : 0.0)).ToArray();
        Assert.Equal([11], SuspectedJumps.Find(curve));
    }

    [Fact]
    public void Smooth_steep_growth_is_not_a_suspected_jump()
    {
        var curve = Enumerable.Range(0, 51).Select(i => Math.Exp(10 * (i / 50.0 - 0.5))).ToArray();
        Assert.Empty(SuspectedJumps.Find(curve));
    }

    static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.True(bytes.Length > 10_000, $"{path}: only {bytes.Length} bytes");
    }
}
