using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paradox.Reporting;
using Paradox.Training;

namespace Paradox.Cli.Commands;

/// <summary>`paradox runs` and `paradox runs show LABEL`: the training runs recorded in `&lt;main_dir&gt;/runs.db`.</summary>
public static class RunsCommand
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var mainDir = Cli.Option("main_dir", "Directory holding runs.db and the run directories", ".");
        mainDir.Recursive = true;
        var status = Cli.Option<string?>("status", "Only runs with this status: running, finished, failed or killed");
        var label = Cli.Option<string?>("label", "Only labels containing this text, or matching this glob (* and ?)");
        var dataset = Cli.Option<string?>("dataset", "Only runs on this dataset");
        var net = Cli.Option<string?>("net", "Only runs of this architecture");
        var domain = Cli.Option<string?>("domain", "Only runs trained with this relaxation (crown includes crown:soft)");
        var json = Cli.Option<bool>("json", "Print the runs as JSON");
        var command = new Command("runs",
            "List the training runs recorded in <main_dir>/runs.db (a run left running by a process that died is listed as killed).");
        foreach (var o in new Option[] { mainDir, status, label, dataset, net, domain, json }) command.Options.Add(o);
        command.Subcommands.Add(CreateShow(mainDir));
        command.Subcommands.Add(CreatePlot(mainDir));
        command.SetBody(result =>
        {
            var filter = new RunFilter
            {
                Status = result.GetValue(status) is { } s ? RunStatusText.Parse(s) : null,
                Label = result.GetValue(label),
                Dataset = result.GetValue(dataset),
                Net = result.GetValue(net),
                TrainDomain = result.GetValue(domain),
            };
            using var store = OpenExisting(result.GetValue(mainDir)!);
            var runs = store.List(filter);
            if (result.GetValue(json)) Console.WriteLine(new JsonArray([.. runs.Select(RunViews.ToJson)]).ToJsonString(Indented));
            else RunViews.PrintList(runs, store.DatabasePath);
            return 0;
        });
        return command;
    }

    static Command CreateShow(Option<string> mainDir)
    {
        var label = new Argument<string>("label") { Description = "The run's label" };
        var json = Cli.Option<bool>("json", "Print the run (full configuration and results) as JSON");
        var command = new Command("show", "Print one run: its status, the settings that differ from the defaults, and its results.");
        command.Arguments.Add(label);
        command.Options.Add(json);
        command.SetBody(result =>
        {
            using var store = OpenExisting(result.GetValue(mainDir)!);
            var name = result.GetValue(label)!;
            var run = store.Get(name) ?? throw new ParadoxException($"run {name} is not in {store.DatabasePath}");
            if (result.GetValue(json)) Console.WriteLine(RunViews.ToJson(run).ToJsonString(Indented));
            else RunViews.PrintRun(run);
            return 0;
        });
        return command;
    }

    static Command CreatePlot(Option<string> mainDir)
    {
        var label = Cli.Option<string?>("label", "Only labels containing this text, or matching this glob (* and ?)");
        var png = Cli.Option<string?>("png", "The PNG to write (one figure per dataset/net: several add -<dataset>-<net> to the name)");
        var command = new Command("plot", """
            Learning curves of the recorded runs from their metrics.csv: certified training accuracy, certified training
            loss and the eps/kappa schedule per epoch, one line per run, one figure per dataset and network.
            """);
        command.Options.Add(label);
        command.Options.Add(png);
        command.SetBody(result =>
        {
            var file = result.GetValue(png) ?? throw new ParadoxException("--png: required (the PNG to write)");
            if (!file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                throw new ParadoxException($"--png: {file} does not end in .png");
            var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
            if (!Directory.Exists(folder)) throw new ParadoxException($"--png: directory {folder} does not exist");
            using var store = OpenExisting(result.GetValue(mainDir)!);
            var runs = store.List(new RunFilter { Label = result.GetValue(label) });
            if (runs.Count == 0) throw new ParadoxException($"--label: no run in {store.DatabasePath} matches '{result.GetValue(label)}'");
            var sources = runs.Select(r =>
                new LearningCurveFigures.Source(r.Label, $"{r.Config.Dataset} {r.Config.Net}", Path.Combine(r.RunDir, "metrics.csv")));
            var written = LearningCurveFigures.Write(sources, file, "learning curves: ");
            if (written.Count == 0)
                throw new ParadoxException($"--label: none of the {runs.Count} matching runs has finished an epoch (empty metrics.csv)");
            foreach (var (group, path) in written) Console.WriteLine($"{group}: wrote {path}");
            return 0;
        });
        return command;
    }

    /// <summary>Listing never creates runs.db: a missing one is most likely a mistyped --main_dir.</summary>
    static RunStore OpenExisting(string mainDir)
    {
        var path = RunStore.PathIn(mainDir);
        if (!File.Exists(path)) throw new ParadoxException($"{path}: no such file (no run has been recorded with --main_dir {mainDir})");
        return RunStore.Open(mainDir);
    }
}
