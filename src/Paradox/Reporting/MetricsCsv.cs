using System.Globalization;
using ScottPlot;

namespace Paradox.Reporting;

/// <summary>
/// One row of a run's metrics.csv. CertifiedLoss is null for epochs without a certified pass (warm-up) and for
/// runs recorded before the column existed; <see cref="HasCertifiedPass"/> tells the two apart by the schedule.
/// </summary>
public sealed record MetricsRow(int Epoch, double Eps, double Kappa, double Beta, double Lr, double Loss,
    double TrainAccuracy, double TrainCertifiedAccuracy, double Seconds, double? CertifiedLoss)
{
    /// <summary>With kappa 1 at the epoch's end the trainer computed no worst-case logits (natural warm-up).</summary>
    public bool HasCertifiedPass => CertifiedLoss is not null || Kappa < 1;
}

/// <summary>Reads metrics.csv by its header names, so files with and without train_certified_loss both read.</summary>
public static class MetricsCsv
{
    public static List<MetricsRow> Read(string path)
    {
        if (!File.Exists(path)) throw new ParadoxException($"{path}: no such file");
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) throw new ParadoxException($"{path}: empty (no header)");
        var header = lines[0].Split(',');
        int Column(string name, bool required = true)
        {
            int i = Array.IndexOf(header, name);
            if (i < 0 && required) throw new ParadoxException($"{path}: no column '{name}' in the header");
            return i;
        }
        // train-pgd records eps only: kappa 0 and beta 0 (no natural part, no CROWN-IBP mixing)
        int epoch = Column("epoch"), eps = Column("eps"), kappa = Column("kappa", required: false), beta = Column("beta", required: false),
            lr = Column("lr"), loss = Column("loss"), acc = Column("train_accuracy"), cert = Column("train_certified_accuracy"),
            seconds = Column("seconds"), certLoss = Column("train_certified_loss", required: false);
        var rows = new List<MetricsRow>();
        for (int n = 1; n < lines.Length; n++)
        {
            var f = lines[n].Split(',');
            double Number(int i) => i < f.Length && double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new ParadoxException($"{path}:{n + 1}: '{(i < f.Length ? f[i] : "")}' in column {header[i]} is not a number");
            double? Optional(int i) => i >= 0 && i < f.Length && f[i].Length > 0 ? Number(i) : null;
            rows.Add(new MetricsRow((int)Number(epoch), Number(eps), Optional(kappa) ?? 0, Optional(beta) ?? 0, Number(lr), Number(loss),
                Number(acc), Number(cert), Number(seconds), Optional(certLoss)));
        }
        return rows;
    }
}
