using static TorchSharp.torch;

namespace Paradox.Training.Methods;

/// <summary>
/// The training methods by `--mode`. Adding a method is one entry here plus its file (see <see cref="ITrainingMethod"/>).
/// </summary>
public static class TrainingMethodCatalog
{
    /// <summary>A catalogue entry: what the method schedules, and how it is built from a config and the run's generator.</summary>
    sealed record Method(string Description, Func<TrainConfig, IReadOnlyList<ScheduleCoefficient>> Coefficients,
        Func<TrainConfig, Generator, ITrainingMethod> Create);

    static readonly Dictionary<TrainMode, Method> Methods = new()
    {
        [TrainMode.TrainNatural] = new("cross-entropy on clean inputs", NaturalTraining.Coefficients, (c, g) => new NaturalTraining()),
        [TrainMode.TrainPgd] = new("cross-entropy at the last PGD iterate (Madry et al.)", PgdTraining.Coefficients,
            (c, g) => new PgdTraining(PgdTraining.Parameters.From(c), g)),
        [TrainMode.TrainProvable] = new("kappa-mix of natural and certified cross-entropy with a relaxation (--train_domain)",
            ProvableTraining.Coefficients, ProvableMethodCatalog.Create),
    };

    public static IEnumerable<(TrainMode Mode, string Description)> Available => Methods.Select(kv => (kv.Key, kv.Value.Description));

    static Method Of(TrainMode mode) => Methods.TryGetValue(mode, out var m) ? m
        : throw new ParadoxException(
            $"--mode: {mode.Name()} does not train (training modes: {string.Join(", ", Methods.Keys.Select(TrainModes.Name))})");

    /// <summary>The coefficients the method of <paramref name="config"/> schedules (metrics.csv columns between epoch and lr).</summary>
    public static IReadOnlyList<ScheduleCoefficient> Coefficients(TrainConfig config) =>
        Methods.TryGetValue(config.Mode, out var m) ? m.Coefficients(config) : ScheduleCoefficient.Study(config);

    public static ITrainingMethod Create(TrainConfig config, Generator generator) => Of(config.Mode).Create(config, generator);
}
