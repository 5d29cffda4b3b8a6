namespace Paradox.Cli;

/// <summary>Checks an output file's place before any work is done, so a long run never ends in a failed write.</summary>
public static class OutputPath
{
    /// <summary>The directory must exist and accept a new file; the path must not be a directory.</summary>
    public static void Check(string? path, string flag)
    {
        if (path is null) return;
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new ParadoxException($"{flag}: {path} is a directory");
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new ParadoxException($"{flag}: directory {dir} does not exist");
        var probe = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.probe");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write)) { }
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParadoxException($"{flag}: cannot write in {dir} ({e.Message})");
        }
    }
}
