namespace Paradox;

/// <summary>
/// The checks of single flag values that several commands share, each with one error text: a
/// <see cref="ParadoxException"/> whose message names the flag and the value given.
/// </summary>
public static class Checks
{
    /// <summary>
    /// A number &gt;= 0 (an eps, a count, a weight): NaN and negative values are errors, and with
    /// <paramref name="finite"/> infinity too. Returns the value.
    /// </summary>
    public static double NonNegative(double value, string flag, bool finite = false)
    {
        if (!(value >= 0) || (finite && double.IsInfinity(value)))
            throw new ParadoxException($"{flag}: must be a number >= 0 (got {value})");
        return value;
    }

    /// <summary>The radius of an eps-ball, <c>--eps</c> unless <paramref name="flag"/> names another.</summary>
    public static double Eps(double eps, string flag = "--eps", bool finite = false) => NonNegative(eps, flag, finite);
}
