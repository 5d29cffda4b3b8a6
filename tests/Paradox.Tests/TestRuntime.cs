using System.Runtime.CompilerServices;

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
