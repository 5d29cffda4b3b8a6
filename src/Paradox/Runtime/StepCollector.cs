using System.Diagnostics;

namespace Paradox;

/// <summary>
/// Full garbage collections between training steps and certification batches. Part of libtorch's memory is released only by finalizers (TorchSharp
/// objects that no dispose scope holds), and the GC sees only their small managed part: PGPE + CROWN's managed heap grew
/// by about 1 MiB per step while resident memory grew by 16, so collections came too rarely and long runs reached 8-18
/// GiB. Called between steps, when this thread has no libtorch call in flight.
/// </summary>
public sealed class StepCollector(TimeSpan interval)
{
    /// <summary>About 1 % of a step's time for a 20-50 ms collection; a long step collects after every step.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    readonly Stopwatch sinceLast = Stopwatch.StartNew();

    /// <summary>Collects and runs the pending finalizers when the interval has passed since the last collection.</summary>
    public bool CollectWhenDue()
    {
        if (sinceLast.Elapsed < interval) return false;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        sinceLast.Restart();
        return true;
    }
}
