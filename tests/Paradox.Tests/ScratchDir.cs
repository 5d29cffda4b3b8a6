namespace Paradox.Tests;

/// <summary>A fresh temporary directory for the files one test writes; deleted on dispose.</summary>
sealed class ScratchDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("paradox-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
