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
        Assert.True(new StepCollector(TimeSpan.Zero).CollectWhenDue());
        Assert.False(weak.IsAlive);
        Assert.True(Volatile.Read(ref Finalizable.Finalized) > before);
    }

    [Fact]
    public void Before_the_interval_has_passed_it_does_not_collect()
    {
        var collector = new StepCollector(TimeSpan.FromHours(1));
        Assert.False(collector.CollectWhenDue());
        Assert.False(collector.CollectWhenDue());
    }
}
