using System.Diagnostics;

namespace Paradox.Training;

/// <summary>Whether the process that owns a run is still alive on this host.</summary>
static class ProcessLiveness
{
    /// <summary>
    /// What tells this process apart from a later one given the same pid: the boot id and the start time in clock
    /// ticks since boot (Linux `/proc`). Null where `/proc` does not say, or the process is gone.
    /// </summary>
    public static string? StartMarker(int pid)
    {
        try
        {
            var bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // fields after the command name, which is in parentheses and may itself contain spaces or parentheses;
            // the start time is field 22 of the line, the 20th after the name
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return $"{bootId}:{fields[19]}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException
            or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>True if process <paramref name="pid"/> exists and, when a start marker was recorded, is the same process.</summary>
    public static bool IsAlive(int pid, string? startMarker)
    {
        if (startMarker is not null && StartMarker(pid) is { } current) return current == startMarker;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
