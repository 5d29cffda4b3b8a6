using System.Runtime.CompilerServices;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Runtime;

/// <summary>
/// The test host's guard against freed temporaries (<see cref="EachTestInADisposeScopeAttribute"/>): a tensor that no
/// variable holds must survive a collection while its test runs, because libtorch may still be reading it.
/// </summary>
public sealed class TestHostTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    static WeakReference<Tensor> Unreferenced() => new(ones(1000).mul(2));

    static bool SurvivesACollection(WeakReference<Tensor> weak)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return weak.TryGetTarget(out var t) && !t.IsInvalid;
    }

    [Fact]
    public void A_temporary_that_no_variable_holds_survives_a_collection_during_the_test()
    {
        Assert.NotNull(CurrentDisposeScope);
        Assert.True(SurvivesACollection(Unreferenced()));
    }

    [Fact]
    public void Outside_any_scope_the_same_temporary_is_finalized_so_the_scope_is_what_keeps_it()
    {
        Assert.False(SharedFixture.Create(() => SurvivesACollection(Unreferenced())));
    }

    [Fact]
    public void A_shared_fixture_is_made_outside_the_scope_of_the_test_that_first_needs_it()
    {
        var shared = SharedFixture.Create(() => ones(3));
        Assert.False(CurrentDisposeScope!.Contains(shared));
        Assert.Throws<InvalidOperationException>(() =>
            SharedFixture.Create<Tensor>(() => throw new InvalidOperationException("in the fixture")));
    }
}
