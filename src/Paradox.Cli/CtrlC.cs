namespace Paradox.Cli;

/// <summary>Ctrl-C as a stop request: the work stops after its current step instead of the process dying.</summary>
public sealed class CtrlC : IDisposable
{
    readonly CancellationTokenSource source = new();
    readonly ConsoleCancelEventHandler handler;

    public CtrlC()
    {
        handler = (_, e) => { e.Cancel = true; source.Cancel(); };
        Console.CancelKeyPress += handler;
    }

    public CancellationToken Token => source.Token;
    public bool Requested => source.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= handler;
        source.Dispose();
    }
}
