namespace Paradox.Tests;

/// <summary>Where the tests find files that live outside the repository.</summary>
static class TestPaths
{
    /// <summary>The paper's pretrained models: `../shared/models` beside the repository (the directory holding Paradox.sln).</summary>
    public static string ModelsDir { get; } = FindModelsDir();

    public static string Model(string fileName) => Path.Combine(ModelsDir, fileName);

    static string FindModelsDir()
    {
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Paradox.sln")))
            repo = repo.Parent;
        if (repo is null)
            throw new DirectoryNotFoundException($"no Paradox.sln above {AppContext.BaseDirectory}: cannot locate ../shared/models");
        var models = Path.GetFullPath(Path.Combine(repo.FullName, "..", "shared", "models"));
        if (!Directory.Exists(models))
            throw new DirectoryNotFoundException($"pretrained models not found at {models} (expected shared/models beside the repository {repo.FullName})");
        return models;
    }
}
