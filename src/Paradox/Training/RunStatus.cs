namespace Paradox.Training;

public enum RunStatus { Running, Finished, Failed, Killed }

public static class RunStatusText
{
    /// <summary>The lower-case name stored in runs.db and typed by users: running, finished, failed, killed.</summary>
    public static string ToText(this RunStatus status) => status.ToString().ToLowerInvariant();

    public static RunStatus Parse(string text, string flagName = "--status")
    {
        foreach (var status in Enum.GetValues<RunStatus>())
            if (status.ToText() == text.ToLowerInvariant()) return status;
        throw new ParadoxException($"{flagName}: unknown run status '{text}' (expected running, finished, failed or killed)");
    }
}
