using Paradox.Reporting;
using Paradox.Tests.Cli;
using Paradox.Training;
using Xunit;

namespace Paradox.Tests.Reproduction;

/// <summary>metrics.csv with the certified loss (and without it, as older runs wrote it), and `runs plot`.</summary>
[Collection(CliRunner.Collection)]
public class LearningCurveTests : IDisposable
{
    readonly ScratchDir dir = new();

    public void Dispose() => dir.Dispose();

    const string OldHeader = "epoch,eps,kappa,beta,lr,loss,train_accuracy,train_certified_accuracy,seconds";

    [Fact]
    public void Metrics_rows_carry_the_certified_loss_and_old_files_are_upgraded_on_append()
    {
        var run = new RunDirectory(dir.File("run"));
        Directory.CreateDirectory(run.Path);
        File.WriteAllText(run.MetricsFile, OldHeader + "\n1,0,1,1,0.001,0.5,0.9,0,10\n");
        Assert.Null(MetricsCsv.Read(run.MetricsFile).Single().CertifiedLoss);
        Assert.False(MetricsCsv.Read(run.MetricsFile).Single().HasCertifiedPass);   // warm-up: kappa 1

        run.AppendMetrics(new EpochMetrics(2, new ScheduleValues(0.1, 0.5, 1, 0.001), 0.8, 0.85, 0.4, 12, CertifiedLoss: 1.25));
        var lines = File.ReadAllLines(run.MetricsFile);
        Assert.Equal([RunDirectory.MetricsHeader(["eps", "kappa", "beta"]), "1,0,1,1,0.001,0.5,0.9,0,10,",
            "2,0.1,0.5,1,0.001,0.8,0.85,0.4,12,1.25"], lines);
        var rows = MetricsCsv.Read(run.MetricsFile);
        Assert.Equal([null, 1.25], rows.Select(r => r.CertifiedLoss));
        Assert.True(rows[1].HasCertifiedPass);

        File.WriteAllText(dir.File("bad.csv"), OldHeader + "\n1,x,1,1,0.001,0.5,0.9,0,10\n");
        Assert.Contains("bad.csv:2: 'x' in column eps is not a number",
            Assert.Throws<ParadoxException>(() => MetricsCsv.Read(dir.File("bad.csv"))).Message);
    }

    [Fact]
    public void Trained_epochs_record_the_certified_loss()
    {
        var main = dir.File("runs");
        var (code, _, errors) = CliRunner.RunCapturingOutput(["train", "--dataset", "fashion-mnist", "--net", "FC", "--train_domain", "box",
            "--eps_train", "0.1", "--n_epochs", "3", "--warmup_epochs", "1", "--mix_epochs", "1", "--kappa2", "0.5", "--n_train", "100",
            "--verify_max_tests", "10", "--main_dir", main, "--label", "curve", "--threads", "1"]);
        Assert.True(code == 0, string.Join(" | ", errors));
        var rows = MetricsCsv.Read(Path.Combine(main, "curve", "metrics.csv"));
        Assert.Null(rows[0].CertifiedLoss);                    // warm-up epoch: natural steps only
        Assert.True(rows[2].CertifiedLoss is > 0 and < 1e6);   // a cross-entropy, at eps 0.1 and kappa 0.5
        Assert.True(rows[2].CertifiedLoss > rows[2].Loss);     // the total mixes it with the (smaller) natural loss

        var png = dir.File("curves.png");
        (code, var output, errors) = CliRunner.RunCapturingOutput(["runs", "plot", "--main_dir", main, "--label", "cur*", "--png", png]);
        Assert.True(code == 0, string.Join(" | ", errors));
        Assert.Contains($"fashion-mnist FC: wrote {png}", output);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);

        (code, _, errors) = CliRunner.RunCapturingOutput(["runs", "plot", "--main_dir", main, "--label", "nothing*", "--png", png]);
        Assert.Equal(2, code);
        Assert.Contains("--label: no run in", Assert.Single(errors));
        (code, _, errors) = CliRunner.RunCapturingOutput(["runs", "plot", "--main_dir", main, "--png", dir.File("no/such/dir/x.png")]);
        Assert.Equal(2, code);
        Assert.Contains("--png: directory", Assert.Single(errors));
    }
}
