using System.Diagnostics;

namespace Paradox;

/// <summary>
/// Full garbage collections between training steps and certification batches. Part of libtorch's memory is released only
/// by finalizers (TorchSharp objects that no dispose scope holds), and the GC sees only their small managed part: PGPE +
/// CROWN's managed heap grew by about 1 MiB per step while resident memory grew by 16, so collections came too rarely and
/// long runs reached 8-18 GiB. It also gives the allocator's kept freed memory back to the kernel (<see
/// cref="NativeRuntime.ReturnFreedMemory"/>) when resident memory has grown past <c>returnAbove</c> times what it was after
/// the last return: kept extents fit only requests of their sizes, so as eps ramps they pile up (RGS + CROWN: 2.5 -> 7.5
/// GiB in 6 minutes), while returning them costs the next step seconds of page faults (CONV CROWN, 1 GiB: 0.8 -> 4 s).
/// Called between steps, when this thread has no libtorch call in flight.
/// </summary>
public sealed class StepCollector(TimeSpan interval, double returnAbove)
{
    /// <summary>About 1 % of a step's time for a 20-50 ms collection; a long step collects after every step.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    /// <summary>Twice the working set: a run's memory stays within about 2x of what one step needs, and the cost of
    /// returning (faulting the working set in again) comes only after the memory has doubled.</summary>
    public const double DefaultReturnAbove = 2;

    readonly Stopwatch sinceLast = Stopwatch.StartNew();
    double baselineMiB; // resident memory at the first collection after the last return: about one step's working set
    bool returned = true;

    /// <summary>The trainer's and the evaluator's collector.</summary>
    public static StepCollector Default() => new(DefaultInterval, DefaultReturnAbove);

    /// <summary>How many times freed memory went back to the kernel.</summary>
    public int Returns { get; private set; }

    /// <summary>
    /// Collects and runs the pending finalizers when the interval has passed since the last collection; then returns the
    /// kept freed memory if resident memory is past <c>returnAbove</c> times the baseline.
    /// </summary>
    public bool CollectWhenDue()
    {
        if (sinceLast.Elapsed < interval) return false;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        sinceLast.Restart();
        double resident = NativeRuntime.ResidentMiB();
        if (returned) (baselineMiB, returned) = (resident, false);
        else if (resident > returnAbove * baselineMiB && NativeRuntime.ReturnFreedMemory() is not null)
        {
            Returns++;
            returned = true;
        }
        return true;
    }
}
