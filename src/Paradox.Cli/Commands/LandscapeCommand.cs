using System.CommandLine;
using Paradox.Analysis;
using Paradox.Reporting;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>`paradox landscape`: certified losses along a line or on a plane through the weights, as PNG and CSV.</summary>
public static class LandscapeCommand
{
    public static Command Create()
    {
        var loss = new LossOptions();
        var dims = Cli.Option("dims",
            "1: losses along one direction (one curve each); 2: on a plane of two directions (one heat map each)", 1);
        var span = Cli.Option("span", "The grid covers t in [-span, span] along each direction", 1.0);
        var points = Cli.Option<int?>("points", "Grid points per direction (default 51 for 1-D, 21 for 2-D)");
        var natural = Cli.Option<bool>("include-natural", "Also plot the natural cross-entropy");
        var log = Cli.Option<bool>("log", "Logarithmic loss axis (1-D) or log10 colour scale (2-D)");
        var png = Cli.Option<string?>("png", "Write the picture to this PNG file");
        var csv = Cli.Option<string?>("csv", "Write the values to this CSV file: t,relaxation,loss (1-D) or t1,t2,relaxation,loss (2-D)");
        var command = new Command("landscape", """
            The certified loss L_R of each relaxation at theta + t d, for the network's weights theta and a random
            Gaussian direction d, filter-normalised (each filter scaled to the norm of the same filter of theta),
            shared by all relaxations; with --dims 2 on the plane theta + t1 d1 + t2 d2. The batch is the first
            --n test images. 1-D plots circle suspected jumps: steps whose |delta L| exceeds 10x the median step
            of the curve and 10x both neighbouring steps (a visual hint, not a continuity test).
            The directions depend on --seed. Cost: one certified-loss evaluation per relaxation and grid point
            (about 1.3 s for all five default relaxations on 100 MNIST CONV images on 2 cores: 1-D with 51
            points about a minute, 2-D with 21 x 21 points about ten; --points 11 gives a quick 2-D look).
            """);
        loss.AddTo(command);
        foreach (var o in new Option[] { dims, span, points, natural, log, png, csv }) command.Options.Add(o);
        command.SetBody(result =>
        {
            var device = Cli.ConfigureRuntime(result);
            int d = result.GetValue(dims);
            if (d is not (1 or 2)) throw new ParadoxException($"--dims: must be 1 or 2 (got {d})");
            var grid = LossLandscape.Grid(result.GetValue(span), result.GetValue(points) ?? (d == 1 ? 51 : 21));
            using var generator = Cli.Generator(result);
            var (eps, relaxations) = loss.Validate(result, generator);
            string? pngPath = result.GetValue(png), csvPath = result.GetValue(csv);
            if (pngPath is null && csvPath is null) throw new ParadoxException("--png, --csv: give at least one output file");

            using var subject = loss.Load(result, device, eps, relaxations);
            var losses = subject.Losses(result.GetValue(natural));
            var title = $"{Path.GetFileName(result.GetValue(loss.Model.Model))}: {subject.Network.Architecture} on " +
                $"{subject.Network.Dataset.Name}, eps = {eps}, {subject.Images} images";
            using var d1 = ParameterDirection.FilterNormalized(subject.Network, generator);
            string csvText;
            byte[] picture;
            Action printSummary;
            if (d == 1)
            {
                var line = ProgressBar.Run("landscape 1-D", grid.Length,
                    advance => LossLandscape.Line(subject.Network, losses, d1, grid, advance));
                csvText = LandscapeCsv.Format(line);
                picture = LandscapePlot.Render(line, title, result.GetValue(log));
                printSummary = () => PrintSummary(line.Names, line.Losses, grid, line.Losses.Select(SuspectedJumps.Find).ToList());
            }
            else
            {
                using var d2 = ParameterDirection.FilterNormalized(subject.Network, generator);
                var plane = ProgressBar.Run("landscape 2-D", grid.Length * grid.Length,
                    advance => LossLandscape.Plane(subject.Network, losses, d1, d2, grid, grid, advance));
                csvText = LandscapeCsv.Format(plane);
                picture = LandscapePlot.Render(plane, title, result.GetValue(log));
                printSummary = () => PrintSummary(plane.Names, plane.Losses.Select(v => v.Cast<double>().ToArray()).ToArray(), grid, null);
            }
            if (csvPath is not null) LandscapeCsv.Write(csvPath, csvText);
            if (pngPath is not null) LandscapePlot.Write(pngPath, picture);
            printSummary();
            foreach (var path in new[] { pngPath, csvPath }.OfType<string>()) AnsiConsole.MarkupLine($"wrote {Markup.Escape(path)}");
            return 0;
        }, png, csv);
        return command;
    }

    /// <param name="losses">Per loss, its values over the grid (row-major over t1, t2 in 2-D).</param>
    static void PrintSummary(IReadOnlyList<string> names, double[][] losses, double[] grid, IReadOnlyList<IReadOnlyList<int>>? jumps)
    {
        int zero = Array.IndexOf(grid, 0.0);
        int atTheta = zero < 0 ? -1 : jumps is null ? zero * grid.Length + zero : zero;
        var table = new Table().Title(Markup.Escape($"loss over t in [{grid[0]}, {grid[^1]}], {grid.Length} points per direction"))
            .AddColumn("loss").AddColumn(new TableColumn("min").RightAligned()).AddColumn(new TableColumn("max").RightAligned());
        if (atTheta >= 0) table.AddColumn(new TableColumn("at theta").RightAligned());
        if (jumps is not null) table.AddColumn(new TableColumn("suspected jumps").RightAligned());
        for (int k = 0; k < names.Count; k++)
        {
            var row = new List<string> { Markup.Escape(names[k]), losses[k].Min().ToString("G4"), losses[k].Max().ToString("G4") };
            if (atTheta >= 0) row.Add(losses[k][atTheta].ToString("G4"));
            if (jumps is not null) row.Add(jumps[k].Count.ToString());
            table.AddRow(row.ToArray());
        }
        AnsiConsole.Write(table);
    }
}
