using Paradox.Data;
using Paradox.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Networks;

public class ArchitectureTests
{
    public static TheoryData<string, string> EveryNameOnMnistAndCifar10()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Architectures.Names)
            foreach (var dataset in new[] { "mnist", "cifar10" })
                data.Add(name, dataset);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryNameOnMnistAndCifar10))]
    public void Batch_of_three_gives_ten_logits_and_layer_shapes_chain(string name, string datasetName)
    {
        var dataset = DatasetInfo.Parse(datasetName);
        using var generator = new Generator(1);
        using var network = Architectures.Build(name, dataset, generator: generator);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = rand([3, .. dataset.ImageShape], generator: generator);

        Assert.Equal(dataset.ImageShape, network.Layers[0].InputShape);
        var h = x;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            if (i > 0) Assert.Equal(network.Layers[i - 1].OutputShape, layer.InputShape);
            Assert.Equal([3L, .. layer.InputShape], h.shape);
            h = layer.Forward(h);
            Assert.Equal([3L, .. layer.OutputShape], h.shape);
        }
        Assert.Equal([10L], network.Layers[^1].OutputShape);
        Assert.Equal([3L, 10], network.Forward(x).shape);
    }

    [Theory]
    [InlineData("FC", 425_410)]
    [InlineData("fc5", 425_410)]
    // conv 1->16, 4x4: 16*16 + 16; 28x28 -> 14x14 so 16*14*14 = 3136 features; 3136*100 + 100; 100*10 + 10
    [InlineData("CONV", 272 + 313_700 + 1_010)]
    // conv 1->16, 4x4 stride 2: 272; 13x13 -> conv 16->32, 4x4: 32*256 + 32 = 8224; 32*10*10 = 3200 features
    [InlineData("CONVPLUS", 272 + 8_224 + 320_100 + 1_010)]
    [InlineData("fc1", 78_500 + 1_010)]
    public void Parameter_count_on_28x28(string name, long expected)
    {
        using var network = Architectures.Build(name, DatasetInfo.Mnist);
        Assert.Equal(expected, network.ParameterCount);
    }

    [Theory]
    [InlineData("fc5", "FC")]
    [InlineData("conv0", "CONV")]
    [InlineData("Dm-Small", "CONVPLUS")]
    [InlineData("fc-small", "FC-SMALL")]
    public void Aliases_and_case_map_to_the_canonical_name(string typed, string canonical) =>
        Assert.Equal(canonical, Architectures.Canonical(typed));

    [Fact]
    public void Unknown_architecture_is_a_paradox_error_naming_the_flag()
    {
        var e = Assert.Throws<ParadoxException>(() => Architectures.Canonical("resnet"));
        Assert.Contains("--net", e.Message);
        Assert.Contains("resnet", e.Message);
    }

    [Fact]
    public void Unnormalized_network_has_no_normalize_layer_and_keeps_parameter_keys_from_index_zero()
    {
        using var normalized = Architectures.Build("CONV", DatasetInfo.Mnist);
        using var plain = Architectures.Build("CONV", DatasetInfo.Mnist, normalized: false);
        Assert.IsType<NormalizeLayer>(normalized.Layers[0]);
        Assert.DoesNotContain(plain.Layers, l => l is NormalizeLayer);
        Assert.Equal("layers.1.weight", normalized.NamedParameters().First().Key);
        Assert.Equal("layers.0.weight", plain.NamedParameters().First().Key);
    }
}
