using Paradox.Analysis;
using Paradox.IO;
using ScottPlot;
using SkiaSharp;

namespace Paradox.Reporting;

/// <summary>
/// Landscape pictures as PNG: a line plot of every loss on one pair of axes (1-D, suspected jumps marked), or a
/// grid of heat maps, one per loss, with colour bars (2-D). With a log scale the values are plotted as log10.
/// </summary>
public static class LandscapePlot
{
    public const string XLabel = "t (filter-normalised direction)";
    public const string YLabel = "certified loss L_R";
    const int LineWidth = 1100, LineHeight = 700, CellWidth = 560, CellHeight = 470, TitleHeight = 40;

    public static byte[] Render(LandscapeLine line, string title, bool log)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        bool anyJump = false;
        for (int k = 0; k < line.Names.Count; k++)
        {
            var color = palette.GetColor(k);
            var y = line.Losses[k].Select(v => Scale(v, log)).ToArray();
            var curve = plot.Add.Scatter(line.T, y, color);
            curve.LegendText = line.Names[k];
            curve.LineWidth = 2;
            curve.MarkerSize = 3;
            var jumps = SuspectedJumps.Find(line.Losses[k]);
            if (jumps.Count == 0) continue;
            var xs = jumps.SelectMany(i => new[] { line.T[i], line.T[i + 1] }).ToArray();
            var ys = jumps.SelectMany(i => new[] { y[i], y[i + 1] }).ToArray();
            var markers = plot.Add.Markers(xs, ys, MarkerShape.OpenCircle, 14, color);
            markers.MarkerLineWidth = 2;
            anyJump = true;
        }
        if (anyJump)
        {
            var legendOnly = plot.Add.Markers(Array.Empty<double>(), Array.Empty<double>(), MarkerShape.OpenCircle, 14, Colors.Black);
            legendOnly.LegendText = "suspected jump";
        }
        var theta = plot.Add.VerticalLine(0, 1, Colors.Gray, LinePattern.Dashed);
        theta.LegendText = "theta (t = 0)";
        plot.Title(title);
        plot.XLabel(XLabel);
        var yLabel = line.Names.Contains(NamedLoss.NaturalName) ? YLabel + "; natural: cross-entropy" : YLabel;
        plot.YLabel(log ? yLabel + " (log scale)" : yLabel);
        if (log) LogTicks(plot.Axes.Left, line.Losses.SelectMany(v => v).Select(v => Scale(v, true)));
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(LineWidth, LineHeight, ImageFormat.Png);
    }

    public static byte[] Render(LandscapePlane plane, string title, bool log)
    {
        int count = plane.Names.Count, columns = Math.Min(3, count), rows = (count + columns - 1) / columns;
        int width = columns * CellWidth, height = rows * CellHeight;
        var values = plane.Losses.SelectMany(v => v.Cast<double>()).Select(v => Scale(v, log)).Where(double.IsFinite).DefaultIfEmpty(0);
        var shared = new ScottPlot.Range(values.Min(), values.Max());
        var multiplot = new Multiplot();
        multiplot.AddPlots(count); // a new multiplot holds one plot already: this makes `count` in all
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        for (int k = 0; k < count; k++)
        {
            var plot = multiplot.GetPlot(k);
            Heatmap(plot, plane, k, log, shared);
            plot.Title(plane.Names[k], size: 15);
        }
        // The grid goes below a band with the figure's title (a multiplot has no title of its own).
        using var grid = multiplot.Render(width, height);
        using var gridBitmap = SKBitmap.Decode(grid.GetImageBytes(ImageFormat.Png));
        using var surface = SKSurface.Create(new SKImageInfo(width, height + TitleHeight));
        surface.Canvas.Clear(SKColors.White);
        using var font = new SKFont(Fonts.GetTypeface(Fonts.Default, bold: true, italic: false), 17);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        surface.Canvas.DrawText($"{title} (one colour scale for all)", width / 2f, TitleHeight - 12, SKTextAlign.Center, font, paint);
        surface.Canvas.DrawBitmap(gridBitmap, 0, TitleHeight);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    static void Heatmap(Plot plot, LandscapePlane plane, int k, bool log, ScottPlot.Range range)
    {
        int n1 = plane.T1.Length, n2 = plane.T2.Length;
        // Row 0 of a heat map is drawn at the top: put the largest t2 there.
        var cells = new double[n2, n1];
        for (int i = 0; i < n1; i++)
            for (int j = 0; j < n2; j++)
                cells[n2 - 1 - j, i] = Scale(plane.Losses[k][i, j], log);
        var map = plot.Add.Heatmap(cells);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.ManualRange = range;
        double h1 = (plane.T1[1] - plane.T1[0]) / 2, h2 = (plane.T2[1] - plane.T2[0]) / 2;
        map.Extent = new CoordinateRect(plane.T1[0] - h1, plane.T1[^1] + h1, plane.T2[0] - h2, plane.T2[^1] + h2);
        var bar = plot.Add.ColorBar(map);
        bar.Label = log ? "log10 L" : "L";
        plot.Add.Marker(0, 0, MarkerShape.Cross, 12, Colors.White);
        plot.XLabel("t1 (direction 1)");
        plot.YLabel("t2 (direction 2)");
        plot.Axes.Margins(0, 0);
    }

    /// <summary>log10 of the loss (floored at 1e-12 so that a loss of exactly 0 stays on the plot) or the loss itself.</summary>
    static double Scale(double v, bool log) => log ? Math.Log10(Math.Max(v, 1e-12)) : v;

    /// <summary>Tick labels of a log10 axis show the loss itself; whole decades only when the range spans several.</summary>
    static void LogTicks(IAxis axis, IEnumerable<double> logValues)
    {
        var finite = logValues.Where(double.IsFinite).ToArray();
        bool decades = finite.Length > 0 && finite.Max() - finite.Min() >= 2;
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Label(Math.Pow(10, v)),
            IntegerTicksOnly = decades,
            MinorTickGenerator = decades
                ? new ScottPlot.TickGenerators.LogMinorTickGenerator()
                : new ScottPlot.TickGenerators.EvenlySpacedMinorTickGenerator(5),
        };
    }

    static string Label(double v) => v >= 1e4 || v < 1e-3 ? v.ToString("0.##e0") : v >= 100 ? v.ToString("0") : v.ToString("G3");

    public static void Write(string path, byte[] png) => AtomicFile.Write(path, s => s.Write(png));
}
