using System.Globalization;
using Paradox.IO;
using ScottPlot;

namespace Paradox.Reporting;

/// <summary>One line of a learning-curve figure: a run's metrics under the name its legend shows.</summary>
public sealed record LearningCurve(string Name, IReadOnlyList<MetricsRow> Rows);

/// <summary>
/// Learning curves of several runs on one figure of three panels sharing the epoch axis: certified training accuracy
/// (%), certified training loss (log scale) and the schedule (eps solid on the left axis, kappa dashed on the right).
/// One colour per run. Epochs without a certified pass (warm-up) are gaps, not zeros.
/// </summary>
public static class LearningCurvePlot
{
    const int Width = 1100, PanelHeight = 330;
    // the same padding on every panel keeps the three data areas aligned (room for the legend on the right)
    static readonly PixelPadding Padding = new(left: 80, right: 330, bottom: 50, top: 40);

    public static byte[] Render(string title, IReadOnlyList<LearningCurve> curves)
    {
        if (curves.Count == 0) throw new ParadoxException("learning curves: no run to plot");
        var multiplot = new Multiplot();
        multiplot.AddPlots(3); // makes three in all (as in LandscapePlot)
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(3, 1);
        Plot accuracy = multiplot.GetPlot(0), loss = multiplot.GetPlot(1), schedule = multiplot.GetPlot(2);
        var palette = new ScottPlot.Palettes.Category10();
        int lastEpoch = Math.Max(1, curves.SelectMany(c => c.Rows).Select(r => r.Epoch).DefaultIfEmpty(1).Max());
        for (int k = 0; k < curves.Count; k++)
        {
            var color = palette.GetColor(k);
            var rows = curves[k].Rows;
            double[] epochs = [.. rows.Select(r => (double)r.Epoch)];
            var cert = rows.Select(r => r.HasCertifiedPass ? 100 * r.TrainCertifiedAccuracy : double.NaN).ToArray();
            var certLoss = rows.Select(r => r.CertifiedLoss is { } v && v > 0 ? Math.Log10(v) : double.NaN).ToArray();
            Line(accuracy, epochs, cert, color, curves[k].Name);
            Line(loss, epochs, certLoss, color, curves[k].Name);
            var eps = Line(schedule, epochs, [.. rows.Select(r => r.Eps)], color, null);
            var kappa = Line(schedule, epochs, [.. rows.Select(r => r.Kappa)], color, null);
            kappa.LinePattern = LinePattern.Dashed;
            kappa.Axes.YAxis = schedule.Axes.Right;
        }
        accuracy.Title(title);
        accuracy.YLabel("certified train accuracy (%)");
        accuracy.Axes.SetLimitsY(0, 100);
        accuracy.ShowLegend(Edge.Right);
        accuracy.Legend.FontSize = 13;
        loss.YLabel("certified train loss (log)");
        LogTicks(loss.Axes.Left);
        loss.HideLegend();   // the run legend is the top panel's; the same colours mean the same runs below
        schedule.YLabel("eps (solid)");
        double maxEps = curves.SelectMany(c => c.Rows).Select(r => r.Eps).DefaultIfEmpty(0).Max();
        schedule.Axes.SetLimitsY(0, maxEps > 0 ? maxEps * 1.05 : 1);
        schedule.Axes.Right.Label.Text = "kappa (dashed)";
        schedule.Axes.Right.Min = -0.05;
        schedule.Axes.Right.Max = 1.05;
        schedule.XLabel("epoch");
        schedule.Legend.ManualItems.Add(new LegendItem { LabelText = "eps (left axis)", LineColor = Colors.Gray, LineWidth = 2 });
        schedule.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "kappa (right axis)", LineColor = Colors.Gray, LineWidth = 2, LinePattern = LinePattern.Dashed,
        });
        schedule.ShowLegend(Edge.Right);
        foreach (var plot in new[] { accuracy, loss, schedule })
        {
            plot.Layout.Fixed(Padding);
            plot.Axes.SetLimitsX(0.5, lastEpoch + 0.5);
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }
        if (!loss.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Any(s => s.Data.GetScatterPoints().Any(p => double.IsFinite(p.Y))))
        {
            loss.Add.Annotation("no certified loss recorded (runs before train_certified_loss)");
            loss.Axes.SetLimitsY(-1, 1);
        }
        using var image = multiplot.Render(Width, 3 * PanelHeight);
        return image.GetImageBytes(ImageFormat.Png);
    }

    static ScottPlot.Plottables.Scatter Line(Plot plot, double[] x, double[] y, Color color, string? legend)
    {
        var line = plot.Add.Scatter(x, y, color);
        line.LineWidth = 2;
        line.MarkerSize = x.Length <= 60 ? 5 : 0;
        if (legend is not null) line.LegendText = legend;
        return line;
    }

    /// <summary>The loss panel plots log10 of the loss; its ticks show the loss itself.</summary>
    static void LogTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Math.Pow(10, v) is var x && x >= 1000
                ? x.ToString("#,0", CultureInfo.InvariantCulture)
                : x.ToString("G3", CultureInfo.InvariantCulture),
            MinorTickGenerator = new ScottPlot.TickGenerators.EvenlySpacedMinorTickGenerator(5),
        };

    public static void Write(string path, byte[] png) => AtomicFile.Write(path, s => s.Write(png));
}
