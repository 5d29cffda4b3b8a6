using System.Text.Json.Nodes;
using Paradox.Data;
using Paradox.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Networks;

/// <summary>The project's own checkpoints: ModelFile.Save and ModelFile.Load without --net or --dataset.</summary>
public class CheckpointTests
{
    static readonly ModelFile.Hints NoHints = new(null, null, null);

    static Network Build(string name, DatasetInfo dataset, bool normalized = true)
    {
        using var generator = new Generator(11);
        return Architectures.Build(name, dataset, normalized, generator: generator);
    }

    static string SaveFc(ScratchDir dir)
    {
        var path = dir.File("fc.ckpt");
        using var network = Build("FC", DatasetInfo.FashionMnist);
        ModelFile.Save(path, network);
        return path;
    }

    [Theory]
    [InlineData("FC", "fashion-mnist", true)]
    [InlineData("CONV", "mnist", true)]
    [InlineData("CONVPLUS", "cifar10", false)]
    public void Round_trip_without_hints_restores_weights_architecture_and_dataset(string name, string datasetName, bool normalized)
    {
        using var dir = new ScratchDir();
        var path = dir.File("model.ckpt");
        using var saved = Build(name, DatasetInfo.Parse(datasetName), normalized);
        ModelFile.Save(path, saved);

        using var loaded = ModelFile.Load(path, NoHints);
        Assert.Equal(saved.ParameterHash(), loaded.ParameterHash());
        Assert.Equal(saved.Architecture, loaded.Architecture);
        Assert.Same(saved.Dataset, loaded.Dataset);
        Assert.Equal(normalized, loaded.Normalized);
        Assert.Equal(saved.Layers.Select(l => l.Describe()), loaded.Layers.Select(l => l.Describe()));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Normalization_constants_are_restored_from_the_checkpoint()
    {
        using var dir = new ScratchDir();
        var path = dir.File("model.ckpt");
        using var saved = Build("fc1", DatasetInfo.Mnist);
        ((NormalizeLayer)saved.Layers[0]).SetConstants(tensor(new[] { 0.5f }), tensor(new[] { 0.25f }));
        ModelFile.Save(path, saved);

        using var loaded = ModelFile.Load(path, NoHints);
        var norm = (NormalizeLayer)loaded.Layers[0];
        Assert.Equal([0.5f], norm.Mean.data<float>().ToArray());
        Assert.Equal([0.25f], norm.Sigma.data<float>().ToArray());
    }

    [Theory]
    [InlineData(float.NaN, 0.3f)]
    [InlineData(0.1f, 0f)]
    [InlineData(0.1f, float.PositiveInfinity)]
    public void Unusable_normalization_constants_are_rejected(float mean, float sigma)
    {
        using var dir = new ScratchDir();
        var path = dir.File("model.ckpt");
        using (var saved = Build("fc1", DatasetInfo.Mnist))
        {
            ((NormalizeLayer)saved.Layers[0]).SetConstants(tensor(new[] { mean }), tensor(new[] { sigma }));
            ModelFile.Save(path, saved);
        }
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, NoHints));
        Assert.Contains(path, e.Message);
        Assert.Contains("layers.0.mean/sigma", e.Message);
    }

    [Fact]
    public void Extra_tensors_and_metadata_do_not_disturb_loading()
    {
        using var dir = new ScratchDir();
        var path = dir.File("model.ckpt");
        using var saved = Build("fc1", DatasetInfo.Mnist);
        using var moment = ones(3);
        ModelFile.Save(path, saved, new JsonObject { ["epoch"] = 4 }, [("optimizer.exp_avg.0", moment)]);

        using var loaded = ModelFile.Load(path, NoHints);
        Assert.Equal(saved.ParameterHash(), loaded.ParameterHash());
    }

    [Fact]
    public void Agreeing_hints_are_accepted_including_aliases()
    {
        using var dir = new ScratchDir();
        var path = SaveFc(dir);
        using var loaded = ModelFile.Load(path, new ModelFile.Hints("fc5", DatasetInfo.Parse("fashionmnist"), Normalized: true));
        Assert.Equal("FC", loaded.Architecture);
    }

    [Theory]
    [InlineData("CONV", null, null, "--net CONV")]
    [InlineData(null, "mnist", null, "--dataset mnist")]
    [InlineData(null, null, false, "--unnormalized")]
    public void Conflicting_hints_are_rejected(string? net, string? dataset, bool? normalized, string named)
    {
        using var dir = new ScratchDir();
        var path = SaveFc(dir);
        var hints = new ModelFile.Hints(net, dataset is null ? null : DatasetInfo.Parse(dataset), normalized);
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, hints));
        Assert.Contains(path, e.Message);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void A_changed_byte_in_the_weights_is_caught_by_the_checksum()
    {
        using var dir = new ScratchDir();
        var path = SaveFc(dir);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01; // well inside the first Linear weight
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, NoHints));
        Assert.Contains(path, e.Message);
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void A_truncated_checkpoint_is_reported_as_truncated()
    {
        using var dir = new ScratchDir();
        var path = SaveFc(dir);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, NoHints));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Nan_weights_are_rejected_naming_the_key()
    {
        using var dir = new ScratchDir();
        var path = dir.File("nan.ckpt");
        using (var network = Build("fc1", DatasetInfo.Mnist))
        {
            using (no_grad()) network.NamedParameters().Single(p => p.Key == "layers.4.bias").Value[3] = float.NaN;
            ModelFile.Save(path, network);
        }
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, NoHints));
        Assert.Contains(path, e.Message);
        Assert.Contains("'layers.4.bias'", e.Message);
        Assert.Contains("NaN", e.Message);
    }
}
