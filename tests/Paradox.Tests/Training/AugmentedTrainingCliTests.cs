using Paradox.Data;
using Paradox.Networks;
using Paradox.Tests.Cli;
using Xunit;

namespace Paradox.Tests.Training;

/// <summary>`paradox train --do_transform` end to end on a tiny synthetic CIFAR-10 directory.</summary>
[Collection(CliRunner.Collection)]
public sealed class AugmentedTrainingCliTests
{
    /// <summary>The binary CIFAR-10 files with <paramref name="perFile"/> records each: label i % 10, pixels a pattern
    /// of (file, record).</summary>
    static void WriteCifar(ScratchDir dir, int perFile)
    {
        foreach (var (file, f) in Cifar10Reader.TrainFiles.Concat(Cifar10Reader.TestFiles).Select((name, i) => (name, i)))
        {
            var bytes = new List<byte>();
            for (int r = 0; r < perFile; r++)
            {
                bytes.Add((byte)(r % 10));
                for (int p = 0; p < 3072; p++)
                    bytes.Add((byte)((p * 31 + r * 17 + f * 7 + (r % 10) * 40) % 256));
            }
            dir.Write(file, [.. bytes]);
        }
    }

    static string[] Args(string dataDir, string mainDir, string label) =>
    [
        "train", "--dataset", "cifar10", "--net", "fc2", "--train_domain", "box", "--eps_train", "0.01", "--do_transform",
        "--n_epochs", "2", "--warmup_epochs", "0", "--mix_epochs", "1", "--batch_size", "20", "--seed", "5",
        "--verify_domains", "box", "--verify_max_tests", "10", "--pgd_steps", "2",
        "--data-dir", dataDir, "--main_dir", mainDir, "--label", label,
    ];

    static string FinalHash(string runDir) =>
        ModelFile.Load(Path.Combine(runDir, "final.ckpt"), new ModelFile.Hints(null, null, null)).ParameterHash();

    [Fact]
    public void Two_augmented_runs_with_the_same_seed_end_with_identical_weights()
    {
        using var data = new ScratchDir();
        using var runs = new ScratchDir();
        WriteCifar(data, perFile: 20);

        foreach (var label in new[] { "first", "second" })
        {
            var (code, _, errors) = CliRunner.RunCapturingOutput(Args(data.Path, runs.Path, label));
            Assert.True(code == 0, string.Join("\n", errors));
        }

        Assert.Equal(FinalHash(runs.File("first")), FinalHash(runs.File("second")));
        Assert.Contains("\"do_transform\": true", File.ReadAllText(Path.Combine(runs.File("first"), "config.json")));
    }
}
