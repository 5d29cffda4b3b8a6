namespace Paradox.Training;

/// <summary>
/// The values of the schedule at one optimizer step: the method's named coefficients (in the order of metrics.csv)
/// and the learning rate. `Eps`, `Kappa` and `Beta` read the study's coefficients by name.
/// </summary>
public sealed class ScheduleValues
{
    public IReadOnlyList<KeyValuePair<string, double>> Coefficients { get; }
    public double Lr { get; }

    readonly IReadOnlyList<string>? formats;

    /// <param name="formats">How the progress line prints each coefficient (default `0.###`), in the same order.</param>
    public ScheduleValues(IReadOnlyList<KeyValuePair<string, double>> coefficients, double lr, IReadOnlyList<string>? formats = null)
    {
        Coefficients = coefficients;
        Lr = lr;
        this.formats = formats;
    }

    /// <summary>The study's three coefficients (eps, kappa, beta) and the learning rate.</summary>
    public ScheduleValues(double Eps, double Kappa, double Beta, double Lr)
        : this([new("eps", Eps), new("kappa", Kappa), new("beta", Beta)], Lr) { }

    public double this[string name] => TryGet(name) ?? throw new KeyNotFoundException($"the schedule has no coefficient '{name}'");

    public double? TryGet(string name)
    {
        foreach (var (key, value) in Coefficients)
            if (key == name) return value;
        return null;
    }

    /// <summary>`eps 0.05 kappa 0.3 beta 1`: the coefficients as the progress line shows them.</summary>
    public string Describe() => string.Join(" ", Coefficients.Select((c, i) =>
        $"{c.Key} " +
            $"{c.Value.ToString(formats is { } f && i < f.Count ? f[i] : "0.###", System.Globalization.CultureInfo.InvariantCulture)}"));

    public double Eps => this["eps"];
    public double Kappa => this["kappa"];
    public double Beta => this["beta"];
}
