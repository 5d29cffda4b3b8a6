namespace Paradox.IO;

/// <summary>The repository a program was built from: the one walk up the directory tree to Paradox.sln.</summary>
public static class RepositoryRoot
{
    /// <summary>The nearest directory above the program's own (or above <paramref name="start"/>) that holds
    /// Paradox.sln, or null.</summary>
    public static string? Find(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Paradox.sln")))
                return dir.FullName;
        return null;
    }
}
