using Xunit;

namespace Paradox.Tests.Runtime;

/// <summary>
/// The test host runs under build/process-env.sh like the CLI and the bench (./test.sh sources it): the same allocator,
/// wait policy and GC budget, so what the tests measure is what a training run gets.
/// </summary>
public sealed class ProcessSettingsTests
{
    /// <summary>The library build/process-env.sh preloads (it exports the path as PARADOX_JEMALLOC).</summary>
    static string Jemalloc => Environment.GetEnvironmentVariable("PARADOX_JEMALLOC") ?? "";

    /// <summary>The malloc note the test host and its child processes must report.</summary>
    public static string ExpectedMalloc => Preloaded ? "malloc: jemalloc (preloaded)" : "malloc: glibc, mallopt";

    /// <summary>build/process-env.sh preloads jemalloc when it is installed, unless PARADOX_MALLOC=glibc.</summary>
    static bool Preloaded => File.Exists(Jemalloc) && Environment.GetEnvironmentVariable("PARADOX_MALLOC") != "glibc";

    static bool StartedThroughProcessEnv => Environment.GetEnvironmentVariable("PARADOX_PROCESS_ENV") == "1";

    [Fact]
    public void The_test_host_runs_under_the_launchers_allocator_and_reports_it()
    {
        Assert.True(StartedThroughProcessEnv, "run the tests through ./test.sh, which sources build/process-env.sh");
        Assert.Contains(TorchRuntime.ProcessNotes, n => n.StartsWith(ExpectedMalloc, StringComparison.Ordinal));
        Assert.Equal(Preloaded, NativeRuntime.IsLoaded("libjemalloc"));
        if (Preloaded) Assert.Equal("dirty_decay_ms:-1,muzzy_decay_ms:-1", Environment.GetEnvironmentVariable("MALLOC_CONF"));
    }
}
