namespace Paradox.Analysis;

/// <summary>Whether the empirical jump search agrees with the derived theory for one relaxation.</summary>
public sealed record ContinuityAgreement(bool Agrees, string Short, string Text)
{
    public static ContinuityAgreement Compare(ContinuityVerdict theory, ContinuityResult empirical) =>
        (theory.Continuous, empirical.JumpsFound > 0) switch
        {
            (true, false) => new(true, "yes", "yes: continuous, no jump found"),
            (false, true) => new(true, "yes", "yes: discontinuous, jumps found"),
            // A discontinuous rule only jumps where some neuron crosses the boundary on the searched lines.
            (false, false) => new(false, "not seen",
                "no jump seen although the theory predicts some: no neuron crossed a jumping boundary in the bisected intervals, " +
                "or the jumps are below the noise floor"),
            (true, true) => new(false, "NO", "CONTRADICTION: jumps found in a relaxation the theory calls continuous"),
        };
}
