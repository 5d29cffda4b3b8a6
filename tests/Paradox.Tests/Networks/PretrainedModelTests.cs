using System.IO.Compression;
using Paradox.Data;
using Paradox.Networks;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Networks;

/// <summary>Importing the paper's PyTorch state dicts from ../shared/models.</summary>
public class PretrainedModelTests
{
    static IEnumerable<string> ModelFileNames() =>
        Directory.GetFiles(TestPaths.ModelsDir, "*.pt").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    public static TheoryData<string> ModelFiles() => new(ModelFileNames());

    /// <summary>The --net and --dataset hints a model file name such as `fashionmnist_CONV_box.pt` implies.</summary>
    static ModelFile.Hints HintsFor(string fileName)
    {
        var parts = fileName.Split('_');
        return new ModelFile.Hints(parts[1], DatasetInfo.Parse(parts[0]), Normalized: null);
    }

    [Fact]
    public void All_paper_models_are_present()
    {
        var files = ModelFileNames().ToHashSet();
        foreach (var dataset in new[] { "mnist", "fashionmnist" })
            foreach (var net in new[] { "FC", "CONV" })
                foreach (var method in new[] { "box", "hbox", "zono", "crown", "crownibp1to0", "crownibp1to1" })
                    Assert.Contains($"{dataset}_{net}_{method}.pt", files);
    }

    [Theory]
    [MemberData(nameof(ModelFiles))]
    public void Loads_with_weights_equal_to_the_raw_state_dict(string fileName)
    {
        var path = TestPaths.Model(fileName);
        var hints = HintsFor(fileName);
        using var network = ModelFile.Load(path, hints);
        var raw = ModelFile.ReadPyTorchStateDict(path);
        try
        {
            Assert.Equal(Architectures.Canonical(hints.Net!), network.Architecture);
            Assert.Same(hints.Dataset, network.Dataset);
            foreach (var (key, p) in network.NamedParameters())
                Assert.True(p.detach().eq(raw[key]).all().item<bool>(), $"{fileName}: {key} differs from the file");
        }
        finally
        {
            foreach (var t in raw.Values) t.Dispose();
        }
    }

    [Fact]
    public void Normalization_uses_the_dataset_constants_not_the_files()
    {
        using var network = ModelFile.Load(TestPaths.Model("fashionmnist_FC_box.pt"), HintsFor("fashionmnist_FC_box.pt"));
        var norm = Assert.IsType<NormalizeLayer>(network.Layers[0]);
        Assert.Equal(DatasetInfo.FashionMnist.Mean, norm.Mean.data<float>().ToArray());
        Assert.Equal(DatasetInfo.FashionMnist.Sigma, norm.Sigma.data<float>().ToArray());
    }

    [Fact]
    public void Missing_net_hint_for_a_state_dict_asks_for_net()
    {
        var path = TestPaths.Model("mnist_FC_box.pt");
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, new ModelFile.Hints(null, DatasetInfo.Mnist, null)));
        Assert.Contains("--net", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Conv_state_dict_loaded_as_fc_names_the_offending_key_and_its_shape()
    {
        var path = TestPaths.Model("mnist_CONV_box.pt");
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, new ModelFile.Hints("FC", DatasetInfo.Mnist, null)));
        Assert.Contains(path, e.Message);
        Assert.Contains("unexpected key 'layers.1.bias' (shape [16])", e.Message); // the first key in ordinal order
        Assert.Contains("--net FC", e.Message);
    }

    [Fact]
    public void Shape_mismatch_names_the_key_and_both_shapes()
    {
        // An MNIST FC model (784 inputs) imported as a CIFAR-10 FC network (3072 inputs).
        var path = TestPaths.Model("mnist_FC_box.pt");
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, new ModelFile.Hints("FC", DatasetInfo.Cifar10, null)));
        Assert.Contains(path, e.Message);
        Assert.Contains("'layers.2.weight'", e.Message);
        Assert.Contains("[400, 784]", e.Message);
        Assert.Contains("[400, 3072]", e.Message);
    }

    [Fact]
    public void Truncated_state_dict_fails_with_the_path()
    {
        using var dir = new ScratchDir();
        var bytes = File.ReadAllBytes(TestPaths.Model("mnist_FC_box.pt"));
        var path = dir.File("truncated.pt");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, HintsFor("mnist_FC_box.pt")));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Nan_weights_are_rejected_naming_the_key()
    {
        using var dir = new ScratchDir();
        var path = dir.File("nan.pt");
        File.Copy(TestPaths.Model("mnist_FC_box.pt"), path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            // The largest tensor in the archive is the first Linear weight, layers.2.weight [400, 784].
            var largest = zip.Entries.Where(e => e.FullName.Contains("/data/")).MaxBy(e => e.Length)!;
            var nans = new byte[largest.Length];
            for (int i = 0; i < nans.Length; i += 4) BitConverter.TryWriteBytes(nans.AsSpan(i), float.NaN);
            using var stream = largest.Open();
            stream.Write(nans);
        }
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, HintsFor("mnist_FC_box.pt")));
        Assert.Contains(path, e.Message);
        Assert.Contains("'layers.2.weight'", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void File_that_is_neither_zip_nor_checkpoint_fails_clearly()
    {
        using var dir = new ScratchDir();
        var path = dir.File("model.pt");
        File.WriteAllText(path, "this is not a model\n");
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, HintsFor("mnist_FC_box.pt")));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a PyTorch state_dict", e.Message);
    }

    [Fact]
    public void Missing_file_names_the_flag_and_the_path()
    {
        using var dir = new ScratchDir();
        var path = dir.File("absent.pt");
        var e = Assert.Throws<ParadoxException>(() => ModelFile.Load(path, HintsFor("mnist_FC_box.pt")));
        Assert.Contains("--model", e.Message);
        Assert.Contains(path, e.Message);
    }
}
