using Paradox.Data;
using Paradox.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Networks;

/// <summary>Network.LoadStateDict on hand-made state dicts: every problem is named, and a rejected dict changes nothing.</summary>
public class StateDictTests : IDisposable
{
    readonly Network target = Build(1);
    readonly Dictionary<string, Tensor> state;

    public StateDictTests()
    {
        using var source = Build(2);
        state = source.NamedParameters().ToDictionary(p => p.Key, p => (Tensor)p.Value.detach().clone());
    }

    public void Dispose()
    {
        target.Dispose();
        foreach (var t in state.Values) t.Dispose();
    }

    static Network Build(ulong seed)
    {
        using var generator = new Generator(seed);
        return Architectures.Build("fc1", DatasetInfo.Mnist, generator: generator);
    }

    ParadoxException Rejected()
    {
        var before = target.ParameterHash();
        var e = Assert.Throws<ParadoxException>(() => target.LoadStateDict(state, "test.pt", restoreNormalization: false));
        Assert.StartsWith("test.pt: ", e.Message);
        Assert.Equal(before, target.ParameterHash());
        return e;
    }

    [Fact]
    public void A_complete_dict_replaces_every_parameter()
    {
        using var source = Build(2);
        target.LoadStateDict(state, "test.pt", restoreNormalization: false);
        Assert.Equal(source.ParameterHash(), target.ParameterHash());
    }

    [Fact]
    public void Missing_key_is_named_with_its_expected_shape()
    {
        state.Remove("layers.4.weight", out var removed);
        removed!.Dispose();
        var e = Rejected();
        Assert.Contains("missing key 'layers.4.weight' (expected shape [10, 100])", e.Message);
    }

    [Fact]
    public void Integer_weights_are_rejected()
    {
        state["layers.4.bias"].Dispose();
        state["layers.4.bias"] = zeros(10, dtype: ScalarType.Int64);
        Assert.Contains("'layers.4.bias'", Rejected().Message);
    }

    [Fact]
    public void Infinite_weights_are_rejected_and_nothing_is_loaded()
    {
        state["layers.4.weight"][0, 0] = float.PositiveInfinity;
        Assert.Contains("'layers.4.weight' contains NaN or infinite values", Rejected().Message);
    }

    [Fact]
    public void Unknown_key_is_named()
    {
        state["layers.9.weight"] = zeros(3);
        Assert.Contains("unexpected key 'layers.9.weight'", Rejected().Message);
    }
}
