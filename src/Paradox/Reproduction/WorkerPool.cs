using System.Diagnostics;

namespace Paradox.Reproduction;

/// <summary>
/// Runs grid runs as child processes, at most N at once, on this machine: each child is `paradox reproduce` for one
/// run (<see cref="ReproduceCall"/>) with its share of the threads, so every run is as crash-safe and resumable as in
/// a single `reproduce`, and the children share runs.db (SQLite WAL). Output lines are prefixed with the run's label.
/// </summary>
public sealed class WorkerPool(string program, IReadOnlyList<string> programArguments)
{
    /// <summary>The way to start this program again: the apphost, or `dotnet Paradox.Cli.dll`.</summary>
    public static WorkerPool ForAssembly(string cliAssemblyPath)
    {
        var host = Environment.ProcessPath;
        bool isDotnet = host is not null && Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return new WorkerPool(isDotnet ? host! : "dotnet", [cliAssemblyPath]);
    }

    /// <summary>Threads per worker: the total split evenly, at least one each.</summary>
    public static int ThreadsPerWorker(int totalThreads, int workers) => Math.Max(1, totalThreads / Math.Max(1, workers));

    /// <summary>
    /// Runs every job (label, arguments after the program) with at most <paramref name="workers"/> at once; returns each
    /// job's exit code. <paramref name="stop"/> set: no new job starts, and running ones are sent SIGTERM (after Ctrl-C
    /// they also got SIGINT through the terminal's process group), so each finishes its step and saves its state.
    /// </summary>
    public IReadOnlyDictionary<string, int> Run(IReadOnlyList<(string Label, string[] Arguments)> jobs, int workers, Func<bool> stop,
        Action<string> output)
    {
        var codes = new Dictionary<string, int>();
        var gate = new object();
        System.Threading.Tasks.Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, job =>
        {
            if (stop()) return;
            var start = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false
            };
            foreach (var a in programArguments) start.ArgumentList.Add(a);
            foreach (var a in job.Arguments) start.ArgumentList.Add(a);
            using var process = new Process { StartInfo = start };
            void Line(string? text, bool error)
            {
                if (text is null) return;
                lock (gate) output($"[{job.Label}]{(error ? " (stderr)" : "")} {text}");
            }
            process.OutputDataReceived += (_, e) => Line(e.Data, false);
            process.ErrorDataReceived += (_, e) => Line(e.Data, true);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            bool signalled = false;
            while (!process.WaitForExit(200))
                if (!signalled && stop()) signalled = Terminate(process.Id);
            process.WaitForExit(); // drains the redirected output
            lock (gate) codes[job.Label] = process.ExitCode;
        });
        return codes;
    }

    /// <summary>Sends SIGTERM (a stop request to a paradox child); true when sent. Windows has no such signal: false.</summary>
    static bool Terminate(int pid) => !OperatingSystem.IsWindows() && Kill(pid, 15) == 0;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);
}
