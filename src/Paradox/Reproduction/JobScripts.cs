using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Paradox.Reproduction;

/// <summary>
/// The `paradox reproduce` call that trains exactly one grid run: the same grid, profile and tables, `--only` anchored
/// on the run's label. Job scripts (Slurm, GNU parallel) and the local worker pool all start runs with it, so a run
/// started anywhere resolves to the same settings (and config hash) as in a single `reproduce`.
/// </summary>
public sealed record ReproduceCall(string Grid, string Profile, IReadOnlyList<string> Tables, string MainDir, string? DataDir,
    string? Device)
{
    /// <summary>The --only pattern that selects the run labelled <paramref name="label"/> and nothing else.</summary>
    public static string OnlyPattern(string label) => "^" + Regex.Escape(label) + "$";

    /// <summary>Arguments after the program: `reproduce ... --only ^label$ --main_dir DIR --threads T`.</summary>
    public string[] Arguments(string label, string threads, string? mainDir = null)
    {
        var args = new List<string>
        {
            "reproduce", "--grid", Grid, "--profile", Profile, "--tables", string.Join(",", Tables), "--datasets", "all",
            "--only", OnlyPattern(label), "--main_dir", mainDir ?? MainDir, "--threads", threads,
        };
        if (DataDir is not null) args.AddRange(["--data-dir", DataDir]);
        if (Device is not null) args.AddRange(["--device", Device]);
        return [.. args];
    }
}

/// <summary>
/// Scripts that run a reproduction's grid on machines this process does not control: a Slurm job array (one grid run
/// per array task) and a command list for GNU parallel. Neither schedules anything itself; both rely on `reproduce`
/// skipping finished runs and resuming interrupted ones, so re-running a task (a requeue) continues its run.
/// </summary>
public static class JobScripts
{
    /// <summary>Where a Slurm task keeps its run: its own main directory, so no runs.db is shared between nodes.</summary>
    public const string TaskDirectory = "tasks";

    /// <summary>The launcher of the repository this program was built from (`&lt;repo&gt;/paradox`), or `paradox` on PATH.</summary>
    public static string Launcher() => IO.RepositoryRoot.Find() is { } root ? Path.Combine(root, "paradox") : "paradox";

    /// <summary>
    /// A Slurm batch script: `#SBATCH --array=0-(n-1)`, task k trains run k with `SLURM_CPUS_PER_TASK` threads in
    /// `&lt;main_dir&gt;/tasks/&lt;run label&gt;/`; `--requeue` lets Slurm restart a preempted task, which then resumes
    /// from its last epoch checkpoint. Gather with `reproduce report --from &lt;main_dir&gt;/tasks`.
    /// </summary>
    public static string Slurm(ReproduceCall call, IReadOnlyList<ResolvedRun> runs, int cpusPerTask, string launcher)
    {
        if (runs.Count == 0) throw new ParadoxException("--emit: no run to write a job script for");
        var main = call.MainDir;
        var s = new StringBuilder();
        s.AppendLine("#!/usr/bin/env bash");
        s.AppendLine($"# Paradox reproduction, profile {call.Profile}, tables {string.Join(",", call.Tables)}: " +
            $"{runs.Count} grid runs as one Slurm job array,");
        s.AppendLine("# one run per array task. Written by `paradox reproduce --emit slurm`. Submit with: sbatch THIS_FILE");
        s.AppendLine("# (add --partition/--time/--account as your site needs; a run's estimate is beside its label below).");
        s.AppendLine("# A task that is requeued or submitted again continues its run from the last epoch checkpoint; a finished");
        s.AppendLine("# run is skipped. Each task keeps its own runs.db in main_dir/tasks/<label>/ (SQLite must not be shared");
        s.AppendLine($"# across nodes). The main directory must exist before sbatch (mkdir -p {Quote(main)}). " +
            "When all are done (or copied back):");
        s.AppendLine($"#   {Quote(launcher)} reproduce report --grid {Quote(call.Grid)} --profile {call.Profile} " +
            $"--tables {string.Join(",", call.Tables)} --datasets all \\");
        s.AppendLine($"#     --main_dir {Quote(main)} --from {Quote(Path.Combine(main, TaskDirectory))}");
        s.AppendLine($"#SBATCH --job-name=paradox-{call.Profile}");
        s.AppendLine($"#SBATCH --array=0-{runs.Count - 1}");
        s.AppendLine($"#SBATCH --cpus-per-task={cpusPerTask}");
        s.AppendLine("#SBATCH --ntasks=1");
        s.AppendLine("#SBATCH --requeue");
        s.AppendLine("#SBATCH --open-mode=append");
        // Slurm opens the log before the script runs: its directory, the main directory, must exist at submission
        s.AppendLine($"#SBATCH --output={Path.Combine(main, "slurm-%x-%A_%a.out")}");
        s.AppendLine("set -euo pipefail");
        s.AppendLine($"PARADOX=\"${{PARADOX:-{launcher}}}\"");
        s.AppendLine($"MAIN_DIR={Quote(main)}");
        s.AppendLine("labels=(");
        for (int k = 0; k < runs.Count; k++)
        {
            var r = runs[k];
            var estimate = r.Estimate is { } e ? $", estimated {CostModel.Format(e.Seconds)} at the cost table's speed" : "";
            s.AppendLine($"  {Quote(r.Run.Label)}  # {k}: {r.Run.Table}, {r.Run.Row} / {r.Run.Column}{estimate}");
        }
        s.AppendLine(")");
        s.AppendLine("patterns=(");
        foreach (var r in runs) s.AppendLine($"  {Quote(ReproduceCall.OnlyPattern(r.Run.Label))}");
        s.AppendLine(")");
        s.AppendLine("task=\"${SLURM_ARRAY_TASK_ID:?run this script with sbatch (SLURM_ARRAY_TASK_ID is not set)}\"");
        s.AppendLine("label=\"${labels[$task]}\"");
        s.AppendLine($"mkdir -p \"$MAIN_DIR/{TaskDirectory}/$label\"");
        s.AppendLine("echo \"task $task: $label on $(hostname), ${SLURM_CPUS_PER_TASK:-1} threads, " +
            "restart ${SLURM_RESTART_COUNT:-0}\" >&2");
        const string label = "\u0001label", threads = "\u0001threads", dir = "\u0001dir";
        var words = call.Arguments(label, threads, dir).Select(w =>
            w == ReproduceCall.OnlyPattern(label) ? "\"${patterns[$task]}\""
            : w == threads ? "\"${SLURM_CPUS_PER_TASK:-1}\""
            : w == dir ? $"\"$MAIN_DIR/{TaskDirectory}/$label\""
            : Quote(w));
        s.AppendLine($"exec \"$PARADOX\" {string.Join(" ", words)}");
        return s.ToString();
    }

    /// <summary>
    /// One shell command per run for GNU parallel (`parallel -j N &lt; FILE`), each with <paramref name="threads"/> threads,
    /// all in the same main directory (one machine: runs.db takes concurrent writers).
    /// </summary>
    public static string Parallel(ReproduceCall call, IReadOnlyList<ResolvedRun> runs, int threads, string launcher)
    {
        if (runs.Count == 0) throw new ParadoxException("--emit: no run to write a command list for");
        var s = new StringBuilder();
        foreach (var r in runs)
            s.AppendLine(string.Join(" ", call.Arguments(r.Run.Label, threads.ToString(CultureInfo.InvariantCulture))
                .Prepend(launcher).Select(Quote)));
        return s.ToString();
    }

    /// <summary>A shell word: as is when it is plainly safe, else in single quotes.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && Regex.IsMatch(word, @"^[A-Za-z0-9_@%+=:,./-]+$") ? word : "'" + word.Replace("'", "'\\''") + "'";
}
