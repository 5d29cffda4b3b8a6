using System.Diagnostics;

namespace Paradox;

/// <summary>
/// Full garbage collections between training steps and certification batches. Part of libtorch's memory is released only
/// by finalizers (TorchSharp objects that no dispose scope holds), and the GC sees only their small managed part: PGPE +
/// CROWN's managed heap grew by about 1 MiB per step while resident memory grew by 16, so collections came too rarely and
/// long runs reached 8-18 GiB. Less often it also gives the allocator's kept freed memory back to the kernel (<see
/// cref="NativeRuntime.ReturnFreedMemory"/>): its unused extents grew a run's memory as tensor sizes changed with eps.
/// Called between steps, when this thread has no libtorch call in flight.
/// </summary>
public sealed class StepCollector(TimeSpan interval, TimeSpan returnInterval)
{
    /// <summary>About 1 % of a step's time for a 20-50 ms collection; a long step collects after every step.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    /// <summary>The next step faults its working set in again (about 0.1-0.5 s for 1-2 GiB): once a minute is under 1 %.</summary>
    public static readonly TimeSpan DefaultReturnInterval = TimeSpan.FromMinutes(1);

    readonly Stopwatch sinceLast = Stopwatch.StartNew(), sinceReturn = Stopwatch.StartNew();

    /// <summary>The trainer's and the evaluator's collector.</summary>
    public static StepCollector Default() => new(DefaultInterval, DefaultReturnInterval);

    /// <summary>How many times freed memory went back to the kernel.</summary>
    public int Returns { get; private set; }

    /// <summary>Collects and runs the pending finalizers when the interval has passed since the last collection.</summary>
    public bool CollectWhenDue()
    {
        if (sinceLast.Elapsed < interval) return false;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        sinceLast.Restart();
        if (sinceReturn.Elapsed >= returnInterval)
        {
            if (NativeRuntime.ReturnFreedMemory() is not null) Returns++;
            sinceReturn.Restart();
        }
        return true;
    }
}
