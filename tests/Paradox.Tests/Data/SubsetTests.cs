using Paradox.Data;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Data;

public class SubsetTests
{
    /// <summary>Images numbered 0..n-1 with unbalanced classes: image i has label (i*i) mod 7.</summary>
    static LabeledImages Unbalanced(int n)
    {
        using var numbered = LabeledImagesTests.Numbered(n);
        using var index = arange(n, ScalarType.Int64);
        return new LabeledImages(numbered.Images.clone(), index.mul(index).remainder(7), DatasetInfo.Mnist, "unbalanced");
    }

    static long[] ClassCounts(LabeledImages data) =>
        [.. Enumerable.Range(0, 10).Select(c => data.Labels.data<long>().ToArray().LongCount(l => l == c))];

    static long[] ImageIds(LabeledImages data) => [.. data.Images[.., 0, 0, 0].data<float>().ToArray().Select(v => (long)v)];

    [Fact]
    public void Keeps_the_fraction_of_each_class_in_the_original_order()
    {
        using var data = Unbalanced(700);

        using var subset = Subset.Stratified(data, 0.1, seed: 5);

        long[] expected =
            [.. ClassCounts(data).Select(n => n == 0 ? 0 : Math.Max(1, (long)Math.Round(0.1 * n, MidpointRounding.AwayFromZero)))];
        Assert.Equal(expected, ClassCounts(subset));
        long[] ids = ImageIds(subset);
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Select(i => i * i % 7), subset.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Is_deterministic_for_a_seed()
    {
        using var data = Unbalanced(700);

        using var first = Subset.Stratified(data, 0.25, seed: 5);
        using var again = Subset.Stratified(data, 0.25, seed: 5);
        using var other = Subset.Stratified(data, 0.25, seed: 6);

        Assert.Equal(ImageIds(first), ImageIds(again));
        Assert.NotEqual(ImageIds(first), ImageIds(other));
    }

    [Fact]
    public void The_whole_fraction_keeps_everything()
    {
        using var data = Unbalanced(50);

        using var subset = Subset.Stratified(data, 1.0, seed: 1);

        Assert.Equal(ImageIds(data), ImageIds(subset));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(5.0)]
    [InlineData(double.NaN)]
    public void Rejects_a_fraction_outside_zero_to_one(double percent)
    {
        using var data = Unbalanced(10);

        var e = Assert.Throws<ParadoxException>(() => Subset.Stratified(data, percent, seed: 1));
        Assert.Contains("--percent", e.Message);
    }
}
