using Paradox.Data;
using Paradox.Networks;
using Paradox.Relaxations;
using Paradox.Training;
using Paradox.Training.Methods;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Paradox.Tests.Training;

/// <summary>The training loss, its gradients, gradient accumulation and resumption.</summary>
public sealed class TrainerTests
{
    static readonly LabeledImages FashionTrain = SharedFixture.Create(() => DatasetCatalog.Load(DatasetInfo.FashionMnist, train: true));

    static TrainConfig Tiny(string domain = "box", int pieces = 1) => new()
    {
        Label = "tiny", Dataset = "fashion-mnist", Net = "fc2", TrainDomain = domain, EpsTrain = 0.05, NEpochs = 2,
        WarmupEpochs = 0, MixEpochs = 1, Percent = 1, Seed = 3, BatchSize = 50, BatchPieces = pieces, Reg = "L1", RegLambda = 1e-4,
    };

    static (Tensor X, Tensor Y) Batch(int n = 20) =>
        (FashionTrain.Images.narrow(0, 0, n).clone(), FashionTrain.Labels.narrow(0, 0, n).clone());

    [Fact]
    public void Loss_is_kappa_mix_of_natural_and_certified_cross_entropy_plus_L1()
    {
        using var scope = NewDisposeScope();
        var config = Tiny("crown-ibp");
        using var network = Architectures.Build("fc2", DatasetInfo.FashionMnist, generator: new Generator(1));
        var relaxation = RelaxationCatalog.Create("crown-ibp");
        var loss = new ProvableTraining(config, relaxation);
        var (x, y) = Batch();
        var values = new ScheduleValues(Eps: 0.05, Kappa: 0.3, Beta: 1, Lr: 1e-3);

        var parts = loss.Loss(network, x, y, values);
        using var region = InputRegion.Ball(x, 0.05);
        double natural = nn.functional.cross_entropy(network.Forward(x), y).item<float>();
        double certified = relaxation.CertifiedLoss(network, region, y, SpecKind.Diffs).item<float>();
        Assert.Equal(0.3 * natural + 0.7 * certified, parts.Total.item<float>(), 5);

        double l1 = network.Layers.OfType<AffineLayer>().Sum(a => a.Weight.abs().sum().item<float>());
        Assert.Equal(1e-4 * l1, WeightRegularizer.Of(config, network)!.item<float>(), 5);
        Assert.True(certified > natural, "the certified loss bounds the natural loss from above");
    }

    [Fact]
    public void Beta_mixes_box_and_the_relaxation()
    {
        using var scope = NewDisposeScope();
        using var network = Architectures.Build("fc2", DatasetInfo.FashionMnist, generator: new Generator(1));
        var loss = new ProvableTraining(Tiny("crown-ibp"), RelaxationCatalog.Create("crown-ibp"));
        var (x, y) = Batch();
        using var region = InputRegion.Ball(x, 0.05);
        var box = RelaxationCatalog.Create("box").WorstCaseLogits(network, region, y, SpecKind.Diffs);
        var crown = RelaxationCatalog.Create("crown-ibp").WorstCaseLogits(network, region, y, SpecKind.Diffs);
        Tensor Worst(double beta) => loss.Loss(network, x, y, new ScheduleValues(0.05, 0, beta, 1e-3)).WorstCaseLogits!;
        Assert.True(allclose(Worst(0), box, 1e-6, 1e-6));
        Assert.True(allclose(Worst(1), crown, 1e-6, 1e-6));
        Assert.True(allclose(Worst(0.25), 0.75 * box + 0.25 * crown, 1e-5, 1e-5));
    }

    public static TheoryData<string> TrainDomains() => new(RelaxationCatalog.Trainable);

    [Theory]
    [MemberData(nameof(TrainDomains))]
    public void Gradients_reach_every_parameter(string domain)
    {
        using var scope = NewDisposeScope();
        using var network = Architectures.Build("fc2", DatasetInfo.FashionMnist, generator: new Generator(2));
        network.SetRequiresGrad(true);
        var loss = new ProvableTraining(Tiny(domain), RelaxationCatalog.Create(domain, generator: new Generator(5)));
        var (x, y) = Batch();
        var total = loss.Loss(network, x, y, new ScheduleValues(0.02, 0, 1, 1e-3)).Total;
        total.backward();
        foreach (var (key, p) in network.NamedParameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(isfinite(p.grad!).all().item<bool>(), $"{domain}: non-finite gradient for {key}");
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{domain}: no gradient reaches {key}");
        }
    }

    static string TrainAll(TrainConfig config)
    {
        using var trainer = new Trainer(config, FashionTrain, CPU);
        while (trainer.Position.Epoch <= config.NEpochs) trainer.RunEpoch();
        return string.Join(",", trainer.Network.NamedParameters().Select(p => p.Value.sum().item<float>().ToString("R")));
    }

    [Fact]
    public void Batch_pieces_give_the_same_training_as_one_piece()
    {
        var whole = TrainAll(Tiny()).Split(',').Select(double.Parse).ToArray();
        var pieces = TrainAll(Tiny(pieces: 4)).Split(',').Select(double.Parse).ToArray();
        for (int i = 0; i < whole.Length; i++)
            Assert.True(Math.Abs(whole[i] - pieces[i]) <= 1e-3 * (1 + Math.Abs(whole[i])), $"parameter {i}: {whole[i]} vs {pieces[i]}");
    }

    [Fact]
    public void Resuming_from_a_mid_epoch_checkpoint_is_bit_identical()
    {
        var config = Tiny("hbox");
        string uninterrupted;
        using (var trainer = new Trainer(config, FashionTrain, CPU))
        {
            while (trainer.Position.Epoch <= config.NEpochs) trainer.RunEpoch();
            uninterrupted = trainer.Network.ParameterHash();
        }
        var path = Path.Combine(Path.GetTempPath(), $"paradox-resume-{Guid.NewGuid():N}.ckpt");
        try
        {
            using (var first = new Trainer(config, FashionTrain, CPU))
            {
                Assert.Null(first.RunEpoch(stop: () => first.Position.Batch == 5));
                first.SaveCheckpoint(path);
            }
            using var resumed = new Trainer(config, FashionTrain, CPU);
            resumed.LoadCheckpoint(path);
            Assert.Equal(5, resumed.Position.Batch);
            while (resumed.Position.Epoch <= config.NEpochs) resumed.RunEpoch();
            Assert.Equal(uninterrupted, resumed.Network.ParameterHash());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>200 synthetic CIFAR-10-shaped images (seeded uniform noise plus a per-class offset), no files.</summary>
    static LabeledImages SyntheticCifar()
    {
        using var scope = NewDisposeScope();
        var labels = arange(200, dtype: ScalarType.Int64).remainder(10);
        var images = rand([200, 3, 32, 32], generator: new Generator(11)).mul_(0.5f)
            .add_(labels.to(ScalarType.Float32).div(20f).view(-1, 1, 1, 1));
        return new LabeledImages(images, labels, DatasetInfo.Cifar10, "synthetic");
    }

    static TrainConfig TinyCifar(bool augment) => Tiny("hbox") with { Dataset = "cifar10", Percent = 100, DoTransform = augment };

    static string Train(TrainConfig config, LabeledImages data)
    {
        using var trainer = new Trainer(config, data, CPU);
        while (trainer.Position.Epoch <= config.NEpochs) trainer.RunEpoch();
        return trainer.Network.ParameterHash();
    }

    [Fact]
    public void Training_with_augmentation_is_reproducible_and_differs_from_training_without()
    {
        using var data = SyntheticCifar();
        var augmented = Train(TinyCifar(true), data);
        Assert.Equal(augmented, Train(TinyCifar(true), data));
        Assert.NotEqual(augmented, Train(TinyCifar(false), data));
    }

    [Fact]
    public void Resuming_an_augmented_run_mid_epoch_is_bit_identical()
    {
        using var data = SyntheticCifar();
        var config = TinyCifar(true);
        string uninterrupted = Train(config, data);
        var path = Path.Combine(Path.GetTempPath(), $"paradox-augment-{Guid.NewGuid():N}.ckpt");
        try
        {
            using (var first = new Trainer(config, data, CPU))
            {
                Assert.Null(first.RunEpoch(stop: () => first.Position.Batch == 2));
                first.SaveCheckpoint(path);
            }
            using var resumed = new Trainer(config, data, CPU);
            resumed.LoadCheckpoint(path);
            while (resumed.Position.Epoch <= config.NEpochs) resumed.RunEpoch();
            Assert.Equal(uninterrupted, resumed.Network.ParameterHash());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_checkpoint_of_another_configuration_is_rejected()
    {
        var path = Path.Combine(Path.GetTempPath(), $"paradox-other-{Guid.NewGuid():N}.ckpt");
        try
        {
            using (var trainer = new Trainer(Tiny(), FashionTrain, CPU)) trainer.SaveCheckpoint(path);
            using var other = new Trainer(Tiny() with { Lr = 1e-2 }, FashionTrain, CPU);
            var e = Assert.Throws<ParadoxException>(() => other.LoadCheckpoint(path));
            Assert.Contains("different configuration", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
