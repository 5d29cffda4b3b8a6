using Paradox.IO;
using Xunit;

namespace Paradox.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void Writes_the_file_and_leaves_nothing_else_behind()
    {
        using var dir = new ScratchDir();
        var path = dir.File("out.json");
        AtomicFile.WriteText(path, "{}\n");
        AtomicFile.WriteText(path, "{\"second\": true}\n");
        Assert.Equal("{\"second\": true}\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_writer_that_throws_keeps_the_old_file_and_leaves_no_temporary()
    {
        using var dir = new ScratchDir();
        var path = dir.File("model.ckpt");
        File.WriteAllText(path, "old contents");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("new, partial"u8);
            s.Flush();
            throw new InvalidOperationException("writer failed");
        }));
        Assert.Equal("writer failed", e.Message);
        Assert.Equal("old contents", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_writer_that_throws_creates_no_file()
    {
        using var dir = new ScratchDir();
        var path = dir.File("model.ckpt");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("partial"u8);
            throw new InvalidOperationException("writer failed");
        }));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Missing_directory_is_a_paradox_error_naming_the_path()
    {
        using var dir = new ScratchDir();
        var path = Path.Combine(dir.Path, "absent", "out.json");
        var e = Assert.Throws<ParadoxException>(() => AtomicFile.WriteText(path, "{}"));
        Assert.Contains(path, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
