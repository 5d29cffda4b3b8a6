using Paradox.Relaxations;
using static TorchSharp.torch;

namespace Paradox.Analysis;

/// <summary>
/// Whether a relaxation's certified loss is continuous in the weights, derived from its engine and ReLU rule.
/// </summary>
/// <param name="Reads">What the engine uses of the rule (the concretised interval or the lines).</param>
/// <param name="PreBoundsFromBox">The ReLU bounds [l, u] come from a Box pass, not from the engine's own propagation.</param>
/// <param name="PreBoundsCanJump">Whether [l, u] of later layers can jump (own propagation of a discontinuous relaxation).</param>
/// <param name="StabiliserSteps">Steps of relative size about D / scale from the rules' stabilisers `u - l + D`: not structural.</param>
/// <param name="Note">A caveat, e.g. for relaxations that draw random numbers.</param>
public sealed record ContinuityVerdict(string Relaxation, bool Continuous, IReadOnlyList<TheoryJump> Jumps, string Reads,
    bool PreBoundsFromBox, bool PreBoundsCanJump, IReadOnlyList<TheoryJump> StabiliserSteps, string? Note = null);

/// <summary>
/// Decides continuity per engine. Box sees only the interval [min lower line, max upper line] over [l, u], so a
/// rule whose lines jump while that interval does not is still continuous in Box. Zonotope, hybrid-zonotope and
/// back-substitution engines carry the lines themselves into later layers or the final bound, so a jump of a slope
/// or an offset is a jump of the bound. An engine that takes [l, u] from its own propagation passes its jumps on to
/// later layers; one that takes them from Box adds none there (but still uses the rule's lines for its own bound).
/// </summary>
public static class ContinuityTheory
{
    public static ContinuityVerdict Derive(Relaxation relaxation) => relaxation.Engine switch
    {
        BoxEngine box => ForBox(relaxation.Name, box),
        ZonotopeEngine zono => ForLines(relaxation.Name, zono.Rule,
            zono.Hybrid
                ? "lines, propagated symbolically (new uncertainty in a box part)"
                : "lines, propagated symbolically (new uncertainty as fresh error terms)",
            zono.PreBoundsFromBox,
            zono.UsesCauchyEstimates
                ? "random Cauchy projections: a function of the weights only while the projections are held fixed " +
                    "(the probe reseeds before every evaluation)"
                : null),
        BackSubstitutionEngine crown when crown.OptimizesSlopesOnce => ForSlopeStep(relaxation.Name, crown),
        BackSubstitutionEngine crown => ForLines(relaxation.Name, crown.Rule, "lines, chosen by coefficient sign in back-substitution",
            crown.PreBoundsFromBox),
        _ => throw new NotSupportedException($"continuity theory: unknown engine {relaxation.Engine.GetType().Name} of {relaxation.Name}"),
    };

    static ContinuityVerdict ForBox(string name, BoxEngine box)
    {
        var (jumps, steps) = RuleContinuity.Analyse(box.Rule, RuleView.Interval);
        var all = jumps.Concat(box.Transform is { } t ? TransformContinuity.Analyse(t) : []).ToList();
        return new ContinuityVerdict(name, all.Count == 0, all, "the interval [min lower line, max upper line] over [l, u]",
            PreBoundsFromBox: false, PreBoundsCanJump: all.Count > 0, steps);
    }

    static ContinuityVerdict ForLines(string name, ReluRule rule, string reads, bool boundsFromBox, string? note = null)
    {
        var (jumps, steps) = RuleContinuity.Analyse(rule, RuleView.Lines);
        return WithBounds(name, jumps, steps, reads, boundsFromBox, note);
    }

    /// <summary>
    /// iclr2021 replaces the crossing lower slopes by a random start moved one signed-gradient step and clipped to
    /// [0, 1]: any slope in [0, 1] can result (so the rule's own lower-slope switch no longer applies), the case
    /// boundaries are checked for both extreme slopes, and the sign of the gradient flips along most paths in weight space.
    /// </summary>
    static ContinuityVerdict ForSlopeStep(string name, BackSubstitutionEngine crown)
    {
        var rule = crown.Rule;
        var fixedSlopes = new[] { 0.0, 1.0 }.Select(slope =>
        {
            Line lower = (l, u) => (full_like(l, slope), zeros_like(l));
            var fixedRule = new ReluRule($"{rule.Name} with lower slope {slope}", rule.Inactive, (lower, rule.Crossing.Upper),
                rule.Active, parallelogram: false);
            return RuleContinuity.Analyse(fixedRule, RuleView.Lines);
        }).ToList();
        var jumps = fixedSlopes.SelectMany(r => r.Jumps).GroupBy(j => (j.At, j.What)).Select(g => g.MaxBy(j => j.Size)!)
            .Append(new TheoryJump("a gradient sign flip", "crossing lower slope (signed-gradient step)", 1))
            .ToList();
        var steps = fixedSlopes.SelectMany(r => r.StabiliserSteps).DistinctBy(j => (j.At, j.What)).ToList();
        return WithBounds(name, jumps, steps, "lines, chosen by coefficient sign in back-substitution", crown.PreBoundsFromBox,
            "random starting slopes: a function of the weights only while they are held fixed (the probe reseeds before every evaluation)");
    }

    static ContinuityVerdict WithBounds(string name, IReadOnlyList<TheoryJump> jumps, IReadOnlyList<TheoryJump> steps, string reads,
        bool boundsFromBox, string? note)
    {
        bool preBoundsJump = boundsFromBox ? !ForBox("box", BoxEngine.Standard).Continuous : jumps.Count > 0;
        return new ContinuityVerdict(name, jumps.Count == 0, jumps, reads, boundsFromBox, preBoundsJump, steps, note);
    }
}
