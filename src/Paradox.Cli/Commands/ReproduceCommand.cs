using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Paradox.Data;
using Paradox.IO;
using Paradox.Reproduction;
using Paradox.Training;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>
/// `paradox reproduce`: the study's tables from one grid definition (experiments/paper-grid.json) under a profile.
/// Every run is a line of the paper's scripts resolved exactly as `paradox cert` resolves it (the same
/// <see cref="TrainOptions"/>), then shortened by the profile; runs go one after the other through the trainer,
/// finished ones are skipped, interrupted ones resumed. `paradox reproduce report` writes the report alone.
/// </summary>
public static class ReproduceCommand
{
    sealed class Options
    {
        public readonly Option<string> Grid = Recursive(Cli.Option("grid",
            "The grid definition (JSON): runs, tables, profiles, cost model", "experiments/paper-grid.json"));
        public readonly Option<string> Profile = Recursive(Cli.Option("profile",
            "Profile of the grid: full (the paper's settings), cpu2 (one 2-core machine: the full training set, every epoch-based "
            + "setting x0.1, all 10,000 test images; Table 2 on MNIST and FashionMNIST, the MNIST CONV column alone about 8 hours "
            + "at today's engine speed) or smoke (seconds)", "cpu2"));
        public readonly Option<string[]> Tables = Recursive(ListOptions.Create("tables",
            "Tables to run, e.g. table2,table3,table4 (default: the profile's)"));
        public readonly Option<string[]> Datasets = Recursive(ListOptions.Create("datasets",
            "Only runs on these datasets, e.g. mnist,fashion-mnist, or all (default: the profile's)"));
        public readonly Option<string?> Only = Recursive(Cli.Option<string?>("only",
            "Only runs whose grid label matches this regular expression (e.g. 'FC-(box|hbox)$')"));
        public readonly Option<string?> MainDir = Recursive(Cli.Option<string?>("main_dir",
            "Directory of the runs, runs.db and report.* (default: runs/reproduce-<profile>)"));
        public readonly Option<string?> DataDir = Recursive(Cli.Option<string?>("data-dir",
            "Directory with the dataset files, passed to every run (default: the standard locations)"));
        public readonly Option<bool> DryRun = Cli.Option<bool>("dry_run",
            "List the runs with their resolved settings, state and estimated time; run nothing (with --emit: print the script)");
        public readonly Option<string?> Emit = Cli.Option<string?>("emit",
            "Write a job script instead of training: slurm (a job array, one run per task) or parallel (commands for GNU parallel)");
        public readonly Option<int?> CpusPerTask = Cli.Option<int?>("cpus_per_task",
            "--emit slurm: cores per array task (default: --threads, else 2)");
        public readonly Option<int> Workers = Cli.Option("workers",
            "Train this many grid runs at once on this machine (child processes, --threads split between them)", 1);
        public readonly Option<string[]> From = ListOptions.Create("from",
            "reproduce report: more directories holding run directories trained elsewhere and copied back (DIR/<run> or DIR/*/<run>)");

        static Option<T> Recursive<T>(Option<T> option)
        {
            option.Recursive = true;
            return option;
        }
    }

    public static Command Create()
    {
        var o = new Options();
        var command = new Command("reproduce", """
            Reproduce the study's tables (Table 2 main grid, Table 3 modified relaxations, Table 4 loose Box) from one
            grid definition. Each run is the paper's line of flags (resolved like `paradox cert`) changed by the
            profile: `full` keeps the paper's settings, `cpu2` trains on the full training set with every epoch-based setting
            (epochs, warm-up, ramp, LR milestones and step period) scaled by one factor, 0.1 (200 -> 20 epochs), and certifies
            all 10,000 test images (see the grid's profile description), `smoke` is a seconds-long plumbing check.
            Prints every run with its estimated time, then trains them one after the other in <main_dir>/<label>-<profile>
            (recorded in <main_dir>/runs.db); finished runs are skipped, interrupted ones resumed from their last
            checkpoint, a failed run is reported and the next one starts. Ctrl-C or SIGTERM stops after the current step (as
            `paradox train`); running the command again continues. Writes <main_dir>/report.md, report.json and report.csv.
            --seed is ignored: each run has the paper's seed. The device is cuda when available unless --device says otherwise.
            """);
        foreach (var option in new Option[] { o.Grid, o.Profile, o.Tables, o.Datasets, o.Only, o.MainDir, o.DataDir, o.DryRun,
            o.Emit, o.CpusPerTask, o.Workers })
            command.Options.Add(option);
        var report = new Command("report", """
            Write <main_dir>/report.md, report.json, report.csv and the learning-curve PNGs from the runs done so far (nothing
            is trained); --from adds directories of runs trained elsewhere (Slurm tasks, other machines) and copied back.
            """);
        report.Options.Add(o.From);
        command.Subcommands.Add(report);
        report.SetBody(result =>
        {
            var plan = Plan.Read(result, o);
            var from = ListOptions.Values(result, o.From);
            foreach (var d in from ?? []) if (!Directory.Exists(d)) throw new ParadoxException($"--from: {d} is not a directory");
            var outcomes = plan.WriteReport(null, from);
            Console.WriteLine($"{plan.Summary(outcomes)}; report written to {Path.Combine(plan.MainDir, "report.md")}");
            return 0;
        });
        command.SetBody(result =>
        {
            var emit = result.GetValue(o.Emit);
            if (emit is not null and not "slurm" and not "parallel")
                throw new ParadoxException($"--emit: unknown kind '{emit}' (expected slurm or parallel)");
            int workers = result.GetValue(o.Workers);
            if (workers < 1) throw new ParadoxException($"--workers: must be at least 1 (got {workers})");
            if (result.GetValue(o.CpusPerTask) is < 1)
                throw new ParadoxException($"--cpus_per_task: must be at least 1 (got {result.GetValue(o.CpusPerTask)})");
            var plan = Plan.Read(result, o);
            if (emit is not null) return plan.Emit(emit, result.GetValue(o.CpusPerTask), result.GetValue(o.DryRun));
            plan.Print();
            if (result.GetValue(o.DryRun)) return 0;
            return workers > 1 ? plan.ExecuteInWorkers(workers) : plan.Execute();
        });
        return command;
    }

    /// <summary>The selected runs of the grid, resolved under the profile, and where they go.</summary>
    sealed class Plan
    {
        public required GridDefinition Grid { get; init; }
        public required GridProfile Profile { get; init; }
        public required IReadOnlyList<string> Tables { get; init; }
        public required string MainDir { get; init; }
        public required IReadOnlyList<ResolvedRun> Runs { get; init; }
        public int? Threads { get; init; }
        public required ReproduceCall Call { get; init; }

        public static Plan Read(ParseResult result, Options o)
        {
            var grid = GridDefinition.Load(result.GetValue(o.Grid)!);
            var profile = grid.Profile(result.GetValue(o.Profile)!);
            var tables = ListOptions.Values(result, o.Tables) ?? profile.Tables ?? [.. grid.Tables.Select(t => t.Name)];
            foreach (var t in tables) grid.Table(t);
            var datasets = ListOptions.Values(result, o.Datasets) is { } given
                ? given.Any(d => d.Equals("all", StringComparison.OrdinalIgnoreCase)) ? null : given.Select(DatasetName).ToArray()
                : profile.Datasets;
            Regex? only = null;
            if (result.GetValue(o.Only) is { } pattern)
            {
                try { only = new Regex(pattern, RegexOptions.CultureInvariant); }
                catch (ArgumentException e)
                {
                    throw new ParadoxException($"--only: '{pattern}' is not a regular expression ({e.Message})");
                }
            }
            var mainDir = result.GetValue(o.MainDir) ?? Path.Combine("runs", $"reproduce-{profile.Name}");
            OutputCheck.Directory(mainDir, "--main_dir");
            var dataDir = result.GetValue(o.DataDir);
            var device = result.GetResult(Cli.Device) is { Implicit: false } ? result.GetValue(Cli.Device)! : "auto";
            var threads = result.GetValue(Cli.Threads);

            var availability = new Dictionary<string, string?>();
            var runs = new List<ResolvedRun>();
            foreach (var run in grid.Runs(tables))
            {
                if (only is not null && !only.IsMatch(run.Label)) continue;
                var label = $"{run.Label}-{profile.Name}";
                var changes = new List<string>(profile.Flags) { "--label", label, "--main_dir", mainDir, "--device", device };
                if (dataDir is not null) changes.AddRange(["--data-dir", dataDir]);
                if (threads is { } n) changes.AddRange(["--threads", n.ToString(CultureInfo.InvariantCulture)]);
                var tokens = FlagTokens.Merge(run.Tokens, changes, $"{grid.Path}: run {run.Label}");
                TrainConfig config;
                try { config = profile.Apply(ParseCert(tokens, $"{grid.Path}: run {run.Label}")); }
                catch (ParadoxException e)
                {
                    runs.Add(new ResolvedRun(run, null, $"the settings do not resolve: {e.Message}", null));
                    continue;
                }
                if (datasets is not null && !datasets.Contains(config.Dataset)) continue;
                if (!availability.TryGetValue(config.Dataset, out var missing))
                    availability[config.Dataset] = missing = DatasetCatalog.Unavailable(DatasetInfo.Parse(config.Dataset), dataDir);
                string? skip = missing;
                runs.Add(new ResolvedRun(run, config, skip, grid.Cost.Estimate(config)));
            }
            if (runs.Count == 0)
                throw new ParadoxException(only is not null
                    ? $"--only: no run of {string.Join(", ", tables)} matches '{only}'"
                    : $"--datasets: no run of {string.Join(", ", tables)} is on {string.Join(", ", datasets ?? [])}");
            var call = new ReproduceCall(Path.GetFullPath(result.GetValue(o.Grid)!), profile.Name, tables, Path.GetFullPath(mainDir),
                dataDir is null ? null : Path.GetFullPath(dataDir), result.GetResult(Cli.Device) is { Implicit: false } ? device : null);
            return new Plan
            {
                Grid = grid, Profile = profile, Tables = tables, MainDir = mainDir, Runs = runs, Threads = threads, Call = call
            };
        }

        static string DatasetName(string name)
        {
            try { return DatasetInfo.Parse(name).Name; }
            catch (ParadoxException)
            {
                throw new ParadoxException($"--datasets: unknown dataset '{name}' (expected mnist, fashion-mnist, svhn, cifar10 or all)");
            }
        }

        /// <summary>The configuration `paradox cert` resolves <paramref name="tokens"/> to: the same option table, the
        /// same checks.</summary>
        static TrainConfig ParseCert(string[] tokens, string source)
        {
            var (config, notices) = TrainSettings.Resolve(FlagTokens.Groups(tokens, source), certCompat: true);
            foreach (var notice in notices) Console.Error.WriteLine(notice);
            return config;
        }

        string RunDir(ResolvedRun r) => Path.Combine(MainDir, r.RunLabel(Profile.Name));

        string State(ResolvedRun r)
        {
            if (r.SkipReason is not null) return "skip";
            var dir = new RunDirectory(RunDir(r));
            if (File.Exists(dir.ResultsFile)) return "done";
            return File.Exists(dir.ConfigFile) ? "resume" : "new";
        }

        static string Epochs(TrainConfig c)
        {
            var lr = c.LrMilestones is { Length: > 0 } m ? "lr@" + string.Join(",", m.Select(x => x.ToString(CultureInfo.InvariantCulture)))
                : c.LrStepEpochs is { } k ? $"lr/2 every {k}" : c.Tenhalf ? "lr/2 every 10" : "lr/2 every 20";
            return $"{c.NEpochs} ({c.WarmupEpochs}+{c.MixEpochs}, {lr})";
        }

        public void Print()
        {
            // plain aligned columns: the plan is read in logs as often as on a terminal, and a wide table must not wrap
            var rows = new List<string[]> { new[] { "#", "label", "cell", "train -> verify", "epochs (warm-up+ramp, lr)",
                "images x batch", "tests", "estimate", "state" } };
            int k = 0;
            var reasons = new List<string>();
            foreach (var r in Runs)
            {
                k++;
                var c = r.Config;
                var state = State(r);
                if (r.SkipReason is { } why)
                {
                    if (!reasons.Contains(why)) reasons.Add(why);
                    state = $"skip ({reasons.IndexOf(why) + 1})";
                }
                var cells = new[]
                {
                    k.ToString(CultureInfo.InvariantCulture), r.Run.Label, $"{r.Run.Row} / {r.Run.Column}",
                    c is null ? "?" : $"{c.TrainDomain}{Variant(c)} -> {string.Join(",", c.VerifyDomains)}",
                    c is null ? "?" : Epochs(c),
                    c is null || r.Estimate is null ? "?" : $"{r.Estimate.TrainImages} x {c.BatchSize}",
                    c?.VerifyMaxTests?.ToString(CultureInfo.InvariantCulture) ?? "all",
                    r.Estimate is { } e ? CostModel.Format(e.Seconds) : "?",
                    state,
                };
                rows.Add(cells);
            }
            Console.WriteLine($"{Runs.Count} runs of {string.Join(", ", Tables)}, profile {Profile.Name}, in {Path.GetFullPath(MainDir)}");
            var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var row in rows)
                Console.WriteLine(string.Join("  ", row.Select((cell, i) => i == 0 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i])))
                    .TrimEnd());
            for (int i = 0; i < reasons.Count; i++) Console.WriteLine($"skip ({i + 1}): {reasons[i]}");
            var todo = Runs.Where(r => State(r) is "new" or "resume").ToList();
            double total = todo.Sum(r => r.Estimate?.Seconds ?? 0);
            int unknown = todo.Count(r => r.Estimate is null);
            Console.WriteLine($"estimated time of the {todo.Count} runs to do: {CostModel.Format(total)}" +
                (unknown > 0 ? $" plus {unknown} runs without a cost estimate" : "") +
                $" (from the measured seconds per step in 'cost' of {Grid.Path})");
        }

        static string Variant(TrainConfig c)
        {
            var parts = new List<string>();
            if (c.CrownVariant is { } v) parts.Add(v);
            if (c.SoftSlopeGamma is { } g) parts.Add($"soft={g.ToString(CultureInfo.InvariantCulture)}");
            if (c.LooseboxWiden is { } w) parts.Add($"widen={w.ToString(CultureInfo.InvariantCulture)}");
            if (c.LooseboxRound is { } r)
                parts.Add($"round={r.ToString(CultureInfo.InvariantCulture)}:dcs={c.DcsPerOne.ToString(CultureInfo.InvariantCulture)}");
            if (c.Beta1 != c.Beta2)
                parts.Add($"beta {c.Beta1.ToString(CultureInfo.InvariantCulture)}->{c.Beta2.ToString(CultureInfo.InvariantCulture)}");
            return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
        }

        /// <summary>Runs what is not done yet, one after the other; 0 when every selected run finished (or was skipped).</summary>
        public int Execute()
        {
            var failures = new Dictionary<string, string>();
            bool stop = false;
            int exit = 0;
            using (var stopSignals = new StopSignals())
            {
                for (int k = 0; k < Runs.Count && !stop && !stopSignals.Requested; k++)
                {
                    var r = Runs[k];
                    var state = State(r);
                    var est = r.Estimate is { } e ? $", estimated {CostModel.Format(e.Seconds)}" : "";
                    Console.WriteLine();
                    Console.WriteLine($"[{k + 1}/{Runs.Count}] {r.Run.Label} ({r.Run.Table}: {r.Run.Row} / {r.Run.Column}){est}");
                    if (state == "skip") { Console.WriteLine($"skipped: {r.SkipReason}"); continue; }
                    if (state == "done") { Console.WriteLine($"already finished in {RunDir(r)}; skipping"); continue; }
                    try
                    {
                        int code = state == "resume" ? Resume(r) : TrainRunner.Start(r.Config!);
                        if (code == 130) { stop = true; exit = 130; }
                        else if (code != 0) failures[r.Run.Label] = $"exit code {code}";
                    }
                    catch (Exception ex)
                    {
                        // a failed run (bad data, out of memory, a bug) must not stop the rest of the grid
                        failures[r.Run.Label] = ex is ParadoxException
                            ? ex.Message.ReplaceLineEndings(" ")
                            : $"{ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}";
                        Console.Out.Flush();
                        Console.Error.WriteLine($"error: {r.Run.Label}: {failures[r.Run.Label]}");
                    }
                }
                stop |= stopSignals.Requested;
            }
            // Ctrl-C outside the training loop (e.g. during a final evaluation) lets that run finish, then stops
            if (stop) exit = 130;
            var outcomes = WriteReport(failures);
            Console.WriteLine();
            Console.WriteLine($"{Summary(outcomes)}; report written to {Path.Combine(MainDir, "report.md")}");
            if (exit == 130)
            {
                Console.Error.WriteLine("interrupted: run the same command again to continue");
                return 130;
            }
            foreach (var (label, error) in failures) Console.Error.WriteLine($"failed: {label}: {error}");
            return failures.Count > 0 ? 1 : 0;
        }

        int Resume(ResolvedRun r)
        {
            var (_, stored) = RunDirectory.Open(RunDir(r));
            if (stored.Hash() != r.Config!.Hash())
                throw new ParadoxException($"{RunDir(r)} holds a run with other settings than the grid's " +
                    $"(config hash {stored.Hash()} != {r.Config.Hash()}); delete it to start the run again");
            return TrainRunner.Resume(RunDir(r), Threads, r.Config.Device);
        }

        public List<RunOutcome> WriteReport(IReadOnlyDictionary<string, string>? failures, IReadOnlyList<string>? from = null)
        {
            var outcomes = ReproductionReport.Collect(Runs, MainDir, Profile.Name, failures, from);
            ReproductionReport.Write(Grid, Profile, MainDir, Tables, outcomes, from);
            return outcomes;
        }

        /// <summary>--emit: the script on stdout (--dry_run) or in &lt;main_dir&gt;/reproduce-&lt;profile&gt;.slurm|.parallel.</summary>
        public int Emit(string kind, int? cpusPerTask, bool dryRun)
        {
            var runs = Runs.Where(r => r.Config is not null).ToList();
            var text = kind == "slurm"
                ? JobScripts.Slurm(Call, runs, cpusPerTask ?? Threads ?? 2, JobScripts.Launcher())
                : JobScripts.Parallel(Call, runs, Threads ?? 1, JobScripts.Launcher());
            if (dryRun) { Console.Write(text); return 0; }
            Directory.CreateDirectory(MainDir);
            var file = Path.Combine(MainDir, $"reproduce-{Profile.Name}.{kind}");
            Paradox.IO.AtomicFile.WriteText(file, text);
            Console.WriteLine(kind == "slurm"
                ? $"wrote {file}: {runs.Count} array tasks; submit with: sbatch {file}"
                : $"wrote {file}: {runs.Count} commands; run with: parallel -j N < {file}");
            return 0;
        }

        /// <summary>--workers N: the runs still to do as child processes, N at once, threads split; then the report.</summary>
        public int ExecuteInWorkers(int workers)
        {
            var todo = Runs.Where(r => State(r) is "new" or "resume").ToList();
            int threads = WorkerPool.ThreadsPerWorker(Threads ?? Environment.ProcessorCount, workers);
            Console.WriteLine($"{todo.Count} runs to do, {workers} at once with {threads} threads each");
            bool stop;
            IReadOnlyDictionary<string, int> codes;
            using (var stopSignals = new StopSignals())
            {
                var jobs = todo.Select(r => (r.Run.Label, Call.Arguments(r.Run.Label, threads.ToString(CultureInfo.InvariantCulture))))
                    .ToList();
                codes = WorkerPool.ForAssembly(typeof(ReproduceCommand).Assembly.Location)
                    .Run(jobs, workers, () => stopSignals.Requested, Console.WriteLine);
                stop = stopSignals.Requested;
            }
            var failures = codes.Where(c => c.Value is not 0 and not 130).ToDictionary(c => c.Key, c => $"exit code {c.Value}");
            var outcomes = WriteReport(failures);
            Console.WriteLine($"{Summary(outcomes)}; report written to {Path.Combine(MainDir, "report.md")}");
            if (stop || codes.Values.Contains(130))
            {
                Console.Error.WriteLine("interrupted: run the same command again to continue");
                return 130;
            }
            foreach (var (label, error) in failures) Console.Error.WriteLine($"failed: {label}: {error}");
            return failures.Count > 0 ? 1 : 0;
        }

        public string Summary(IReadOnlyList<RunOutcome> outcomes) =>
            $"{outcomes.Count} runs: " + string.Join(", ", outcomes.GroupBy(o => o.Status).Select(g => $"{g.Count()} {g.Key}"));
    }
}
