using System.Globalization;

namespace Paradox.Training;

/// <summary>How a setting's flag takes its value(s) on a command line.</summary>
public enum SettingKind
{
    /// <summary>One value.</summary>
    Value,
    /// <summary>No value (`--unnormalized`); `true`/`false` may follow.</summary>
    Switch,
    /// <summary>One or more values, as separate tokens or comma-separated; repeated flags add up.</summary>
    List,
}
