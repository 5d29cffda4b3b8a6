namespace Paradox.Data;

/// <summary>Smaller datasets drawn from a larger one.</summary>
public static class Subset
{
    /// <summary>
    /// Keeps the fraction <paramref name="percent"/> of each class (rounded, at least one image of every class
    /// present), chosen by <paramref name="seed"/>, in the original order. The result is a copy.
    /// </summary>
    public static LabeledImages Stratified(LabeledImages data, double percent, long seed)
    {
        if (!(percent > 0 && percent <= 1))
            throw new ParadoxException($"--percent: must be a fraction in (0, 1] of each class to keep (0.05 keeps 5%), got {percent}");

        long[] labels = data.Labels.data<long>().ToArray();
        var kept = new List<long>();
        for (int c = 0; c < data.Info.Classes; c++)
        {
            long[] members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).Select(i => (long)i).ToArray();
            if (members.Length == 0)
                continue;
            int keep = Math.Max(1, (int)Math.Round(percent * members.Length, MidpointRounding.AwayFromZero));
            new Pcg32((ulong)seed, (ulong)c).Shuffle(members);
            kept.AddRange(members.Take(keep));
        }
        kept.Sort();
        return data.Select([.. kept]);
    }
}
