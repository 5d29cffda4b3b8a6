using System.IO.Compression;

namespace Paradox.Tests;

/// <summary>A fresh temporary directory for the files one test writes; deleted on dispose.</summary>
sealed class ScratchDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("paradox-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="bytes"/> to a file in the directory, gzip-compressed if asked, and returns its path.</summary>
    public string Write(string name, byte[] bytes, bool gzip = false)
    {
        string path = File(name);
        using var file = System.IO.File.Create(path);
        using var stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file;
        stream.Write(bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
