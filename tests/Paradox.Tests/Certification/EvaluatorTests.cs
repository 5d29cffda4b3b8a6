using Paradox.Attacks;
using Paradox.Certification;
using Paradox.Data;
using Paradox.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Certification;

/// <summary>Evaluation of a paper model on 200 synthetic images whose labels are half right, half wrong by construction.</summary>
public class EvaluatorTests : IDisposable
{
    const int Count = 200;
    static readonly PgdOptions ShortAttack = new(Steps: 20, StepSize: 0.02);
    readonly Network network =
        ModelFile.Load(TestPaths.Model("fashionmnist_FC_box.pt"), new ModelFile.Hints("FC", DatasetInfo.FashionMnist, null));
    readonly LabeledImages data;

    public EvaluatorTests()
    {
        using var scope = NewDisposeScope(); // LabeledImages detaches the two tensors it keeps
        var images = SyntheticImages.Create(Count);
        Tensor predicted;
        using (no_grad()) predicted = network.Forward(images).argmax(1);
        var wrong = arange(Count).remainder(2).eq(1);
        data = new LabeledImages(images, where(wrong, (predicted + 1).remainder(10), predicted), DatasetInfo.FashionMnist, "synthetic");
    }

    public void Dispose()
    {
        data.Dispose();
        network.Dispose();
    }

    EvaluationResult Run(double eps, int batchSize, IReadOnlyList<(string, Evaluator.BatchCertifier)>? certifiers = null)
    {
        using var generator = new Generator(3);
        return Evaluator.Run(network, data, eps, ShortAttack, batchSize, certifiers, generator);
    }

    [Fact]
    public void Standard_accuracy_counts_correct_predictions_whatever_the_batch_size()
    {
        foreach (var batchSize in new[] { 200, 64, 1000 })
        {
            var result = Run(0.0, batchSize);
            Assert.Equal(Count, result.N);
            Assert.Equal(Count / 2, result.Correct);
            Assert.Equal(0.5, result.StandardAccuracy);
        }
    }

    [Fact]
    public void Pgd_accuracy_equals_standard_at_eps_zero_and_never_exceeds_it()
    {
        Assert.Equal(Count / 2, Run(0.0, 100).PgdRobust);
        var attacked = Run(0.1, 100);
        Assert.InRange(attacked.PgdAccuracy, 0, attacked.StandardAccuracy);
        Assert.True(attacked.PgdRobust < attacked.Correct, "the test is vacuous: PGD broke nothing at eps 0.1");
    }

    [Fact]
    public void Pgd_on_the_paper_model_stays_in_the_ball_and_broken_means_misclassified()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        var eps = tensor(0.1f);
        using var result = Pgd.Attack(network, data.Images, data.Labels, eps, ShortAttack, generator);

        Assert.True((result.Adversarial - data.Images).abs().le(0.1 + 1e-6).all().item<bool>());
        Assert.True(result.Adversarial.ge(0).all().item<bool>() && result.Adversarial.le(1).all().item<bool>());
        Tensor predicted;
        using (no_grad()) predicted = network.Forward(result.Adversarial).argmax(1);
        Assert.True(predicted.ne(data.Labels).logical_or(result.Broken.logical_not()).all().item<bool>());
    }

    [Fact]
    public void Certified_counts_only_correctly_classified_samples()
    {
        Evaluator.BatchCertifier everything = (x, _, _) => ones(x.shape[0], dtype: ScalarType.Bool);
        var result = Run(0.1, 64, [("all", everything)]);
        Assert.Equal(Count / 2, result.Certified["all"]);
        Assert.Equal(0.5, result.CertifiedAccuracy("all"));
    }

    [Theory]
    [InlineData(-0.1, 100, "--eps")]
    [InlineData(double.NaN, 100, "--eps")]
    [InlineData(0.1, 0, "--batch_size")]
    public void Invalid_eps_or_batch_size_names_the_flag(double eps, int batchSize, string flag)
    {
        var e = Assert.Throws<ParadoxException>(() => Run(eps, batchSize));
        Assert.StartsWith(flag, e.Message);
    }
}
