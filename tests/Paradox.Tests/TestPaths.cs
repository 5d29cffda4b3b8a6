using Paradox.IO;

namespace Paradox.Tests;

/// <summary>Where the tests find files that live outside the repository.</summary>
static class TestPaths
{
    /// <summary>
    /// The paper's pretrained models: `../shared/models` beside the repository (the directory holding Paradox.sln),
    /// or beside the repository this one was cloned from (a scratch clone elsewhere).
    /// </summary>
    public static string ModelsDir { get; } = FindModelsDir();

    public static string Model(string fileName) => Path.Combine(ModelsDir, fileName);

    static string FindModelsDir()
    {
        var repo = RepositoryRoot.Find()
            ?? throw new DirectoryNotFoundException($"no Paradox.sln above {AppContext.BaseDirectory}: cannot locate ../shared/models");
        var candidates = new[] { repo, OriginOf(repo) }.OfType<string>()
            .Select(r => Path.GetFullPath(Path.Combine(r, "..", "shared", "models"))).ToList();
        return candidates.FirstOrDefault(Directory.Exists)
            ?? throw new DirectoryNotFoundException($"pretrained models not found at {string.Join(" or ", candidates)} " +
                "(expected shared/models beside the repository)");
    }

    /// <summary>The local path of the `origin` remote, when the repository was cloned from a directory.</summary>
    static string? OriginOf(string repo)
    {
        var config = Path.Combine(repo, ".git", "config");
        if (!File.Exists(config)) return null;
        var url = File.ReadLines(config).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("url = ", StringComparison.Ordinal))?[6..];
        return url is not null && Path.IsPathRooted(url) && Directory.Exists(url) ? url : null;
    }
}
