using System.Runtime.InteropServices;

namespace Paradox.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM as a stop request: the work stops after its current step, with its state saved, instead of
/// the process dying. SIGTERM is what Slurm, systemd, `timeout` and container runtimes send before they kill.
/// </summary>
public sealed class StopSignals : IDisposable
{
    readonly CancellationTokenSource source = new();
    readonly ConsoleCancelEventHandler handler;
    readonly PosixSignalRegistration? terminate;

    public StopSignals()
    {
        handler = (_, e) => { e.Cancel = true; source.Cancel(); };
        Console.CancelKeyPress += handler;
        if (!OperatingSystem.IsWindows())
            terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; source.Cancel(); });
    }

    public CancellationToken Token => source.Token;
    public bool Requested => source.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= handler;
        terminate?.Dispose();
        source.Dispose();
    }
}
