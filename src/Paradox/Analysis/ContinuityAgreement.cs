namespace Paradox.Analysis;

/// <summary>Whether the empirical jump search agrees with the derived theory for one relaxation.</summary>
public sealed record ContinuityAgreement(bool Agrees, string Text)
{
    public static ContinuityAgreement Compare(ContinuityVerdict theory, ContinuityResult empirical) =>
        (theory.Continuous, empirical.JumpsFound > 0) switch
        {
            (true, false) => new(true, "yes (no jump)"),
            (false, true) => new(true, "yes (jumps)"),
            // A discontinuous rule only jumps where some neuron crosses the boundary on the searched lines.
            (false, false) => new(false, "no: no jump seen (none crossed a boundary on these lines, or the jumps are below the noise floor)"),
            (true, true) => new(false, "NO: jumps found in a relaxation the theory calls continuous"),
        };
}
