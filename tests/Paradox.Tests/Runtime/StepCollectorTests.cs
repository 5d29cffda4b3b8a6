using System.Runtime.CompilerServices;
using Xunit;

namespace Paradox.Tests.Runtime;

public sealed class StepCollectorTests
{
    sealed class Finalizable
    {
        public static int Finalized;
        ~Finalizable() => Interlocked.Increment(ref Finalized);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static WeakReference Unreferenced() => new(new Finalizable());

    [Fact]
    public void A_due_collection_runs_the_finalizers_of_unreferenced_objects()
    {
        int before = Volatile.Read(ref Finalizable.Finalized);
        var weak = Unreferenced();
        Assert.True(new StepCollector(TimeSpan.Zero, double.PositiveInfinity).CollectWhenDue());
        Assert.False(weak.IsAlive);
        Assert.True(Volatile.Read(ref Finalizable.Finalized) > before);
    }

    [Fact]
    public void Before_the_interval_has_passed_it_does_not_collect()
    {
        var collector = new StepCollector(TimeSpan.FromHours(1), 0);
        Assert.False(collector.CollectWhenDue());
        Assert.False(collector.CollectWhenDue());
    }

    [Fact]
    public void Returning_freed_memory_gives_the_pages_of_a_freed_tensor_back_to_the_kernel()
    {
        // jemalloc as the launchers configure it (no decay) keeps a freed 256 MiB tensor resident until the collector
        // returns it; glibc (PARADOX_MALLOC=glibc) gave such a block back by itself here, and its trim must not add any.
        bool jemalloc = NativeRuntime.IsLoaded("libjemalloc");
        NativeRuntime.ReturnFreedMemory();
        double before = NativeRuntime.ResidentMiB();
        using (var t = TorchSharp.torch.ones(64L * 1024 * 1024))
            Assert.True(NativeRuntime.ResidentMiB() - before > 200, "a 256 MiB tensor of ones is resident");
        double freed = NativeRuntime.ResidentMiB();
        if (jemalloc) Assert.True(freed - before > 200, $"jemalloc keeps the freed pages ({before:0} -> {freed:0} MiB)");
        Assert.Equal(jemalloc ? "jemalloc: arenas purged" : "glibc: heap trimmed", NativeRuntime.ReturnFreedMemory());
        double returned = NativeRuntime.ResidentMiB();
        if (jemalloc) Assert.True(freed - returned > 200, $"resident {freed:0} -> {returned:0} MiB after returning freed memory");
        else Assert.True(returned <= freed + 8, $"resident {freed:0} -> {returned:0} MiB after trimming");
    }

    [Fact]
    public void A_due_collection_returns_freed_memory_only_once_resident_memory_has_grown_past_the_factor()
    {
        // The first collection after a return measures the baseline; the next one compares with it.
        var never = new StepCollector(TimeSpan.Zero, double.PositiveInfinity);
        var always = new StepCollector(TimeSpan.Zero, 0);
        for (int i = 0; i < 4; i++)
        {
            never.CollectWhenDue();
            always.CollectWhenDue();
        }
        Assert.Equal(0, never.Returns);
        Assert.Equal(2, always.Returns);
    }
}
