namespace Paradox.IO;

/// <summary>
/// The pre-flight check of every place a command will write: run before any long work, so a run never ends in a
/// failed write. Nothing is created; a probe file is written and removed where the directory already exists.
/// </summary>
public static class OutputCheck
{
    /// <summary>A file to be written: its directory must exist and accept a new file; the path must not be a directory.</summary>
    public static void File(string? path, string flag)
    {
        if (path is null) return;
        var full = Path.GetFullPath(path);
        if (System.IO.Directory.Exists(full)) throw new ParadoxException($"{flag}: {path} is a directory");
        var dir = Path.GetDirectoryName(full)!;
        if (!System.IO.Directory.Exists(dir)) throw new ParadoxException($"{flag}: directory {dir} does not exist");
        Probe(dir, flag);
    }

    /// <summary>
    /// A directory to be created (if missing) and written in: it must not be a file, and its nearest existing ancestor
    /// must accept new entries.
    /// </summary>
    public static void Directory(string? path, string flag)
    {
        if (path is null) return;
        var full = Path.GetFullPath(path);
        if (System.IO.File.Exists(full)) throw new ParadoxException($"{flag}: {path} is a file, not a directory");
        var existing = full;
        while (!System.IO.Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) throw new ParadoxException($"{flag}: cannot create {full}");
            if (System.IO.File.Exists(parent)) throw new ParadoxException($"{flag}: cannot create {full} ({parent} is a file)");
            existing = parent;
        }
        Probe(existing, flag);
    }

    static void Probe(string dir, string flag)
    {
        var probe = Path.Combine(dir, $".paradox-probe.{Environment.ProcessId}.{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write)) { }
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParadoxException($"{flag}: cannot write in {dir} ({e.Message})");
        }
    }

}
