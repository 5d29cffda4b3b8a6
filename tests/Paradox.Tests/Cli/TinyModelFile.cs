using Paradox.Data;
using Paradox.Networks;
using static TorchSharp.torch;

namespace Paradox.Tests.Cli;

/// <summary>A freshly initialised MNIST `fc1` network (784-100-10) saved as a Paradox checkpoint, for quick command runs.</summary>
static class TinyModelFile
{
    public static string Create(ScratchDir dir)
    {
        var path = dir.File("fc1.ckpt");
        using var generator = new Generator(5);
        using var network = Architectures.Build("fc1", DatasetInfo.Mnist, generator: generator);
        ModelFile.Save(path, network);
        return path;
    }
}
