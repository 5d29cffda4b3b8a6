using System.Globalization;

namespace Paradox.Training;

/// <summary>
/// One row of the cert.py option table (<see cref="TrainSettings"/>): the flag (cert.py's underscore spelling; the
/// kebab-case one is the same flag), its help, how it is read and which <see cref="TrainConfig"/> property it sets.
/// Range checks live in <see cref="TrainConfigValidation"/>, which names the same flag.
/// </summary>
public sealed record TrainSetting
{
    readonly Func<TrainConfig, string[], TrainConfig> apply;
    readonly Func<TrainConfig, object?>? read;

    internal TrainSetting(string name, string description, SettingKind kind, Func<TrainConfig, string[], TrainConfig> apply,
        Func<TrainConfig, object?>? read)
    {
        Name = name;
        Description = description;
        Kind = kind;
        this.apply = apply;
        this.read = read;
    }

    /// <summary>cert.py's name without dashes: `batch_size`.</summary>
    public string Name { get; }
    public string Flag => "--" + Name;
    public string Description { get; }
    public SettingKind Kind { get; }
    /// <summary>cert.py requires it (`paradox cert` does too; `paradox train` uses the default).</summary>
    public bool RequiredByCert { get; init; }
    /// <summary>A global option of the command line (seed, threads, device), given before or after the verb.</summary>
    public bool Global { get; init; }
    /// <summary>Accepted for cert.py compatibility and ignored; the notice says why.</summary>
    public string? IgnoredNotice { get; init; }

    /// <summary>The default as text for help (`100`), or null when there is none to show.</summary>
    public string? DefaultText => read?.Invoke(TrainSettings.Defaults) switch
    {
        null => null,
        bool b => b ? "true" : null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v.ToString(),
    };

    /// <summary>The current value in <paramref name="config"/> (for the table test and the help).</summary>
    public object? Read(TrainConfig config) => read?.Invoke(config);

    /// <summary>Sets the setting from the values given after its flag; bad values are errors naming the flag.</summary>
    public TrainConfig Apply(TrainConfig config, string[] values)
    {
        if (Kind == SettingKind.Value && values.Length != 1)
            throw new ParadoxException($"{Flag}: expected one value (got {(values.Length == 0 ? "none" : string.Join(" ", values))})");
        if (Kind == SettingKind.List && values.Length == 0) throw new ParadoxException($"{Flag}: expected at least one value");
        if (Kind == SettingKind.Switch && values.Length > 1) throw new ParadoxException($"{Flag}: takes no value (or true/false)");
        return apply(config, values);
    }
}
