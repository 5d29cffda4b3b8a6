using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using TorchSharp;
using Xunit.Sdk;

[assembly: Paradox.Tests.EachTestInADisposeScope]

namespace Paradox.Tests;

/// <summary>The tests run under the CLI's process-wide numeric configuration, set once before any test.</summary>
static class TestRuntime
{
    [ModuleInitializer]
    internal static void Configure()
    {
        TorchRuntime.PrepareProcess();
        TorchRuntime.ConfigureTestProcess();
    }
}

/// <summary>
/// Every test runs inside a dispose scope of its own, which holds every tensor the test makes until it ends. Without it a
/// temporary that no variable holds (`a.mul(b)` in `a.mul(b).sum()`) can be finalized by a collection that another
/// thread of the test host triggers while libtorch still reads it (see <see cref="GcStress"/>): the test host crashed so.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
sealed class EachTestInADisposeScopeAttribute : BeforeAfterTestAttribute
{
    static DisposeScope? current; // the tests run one at a time (xunit.runner.json)

    public override void Before(MethodInfo methodUnderTest) => current = torch.NewDisposeScope();

    public override void After(MethodInfo methodUnderTest)
    {
        current?.Dispose();
        current = null;
    }
}

/// <summary>Fixtures that several tests share.</summary>
static class SharedFixture
{
    /// <summary>
    /// Creates the fixture on a thread of its own, where no dispose scope is open: created inside a test's scope, its
    /// tensors would be freed when that test ends.
    /// </summary>
    public static T Create<T>(Func<T> create)
    {
        T? value = default;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try { value = create(); }
            catch (Exception e) { error = ExceptionDispatchInfo.Capture(e); }
        });
        thread.Start();
        thread.Join();
        error?.Throw();
        return value!;
    }
}
