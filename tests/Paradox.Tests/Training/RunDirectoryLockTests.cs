using Paradox.Training;
using Xunit;

namespace Paradox.Tests.Training;

/// <summary>One training process per run directory: a second one stops at once with a one-line error.</summary>
public sealed class RunDirectoryLockTests
{
    [Fact]
    public void A_second_lock_on_a_run_directory_is_refused_until_the_first_is_released()
    {
        var path = Directory.CreateTempSubdirectory("paradox-lock-").FullName;
        try
        {
            var dir = new RunDirectory(path);
            using (dir.Lock())
            {
                var e = Assert.Throws<ParadoxException>(() => new RunDirectory(path).Lock());
                Assert.Equal($"run directory {dir.Path} is being trained by another process; wait for it or stop it first", e.Message);
            }
            using (dir.Lock()) { } // released on dispose
        }
        finally { Directory.Delete(path, recursive: true); }
    }
}
