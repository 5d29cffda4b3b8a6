using static Paradox.Relaxations.Lines;
using static TorchSharp.torch;

namespace Paradox.Relaxations;

/// <summary>
/// Every ReLU rule of the study, written as the tables of relaxations.md section 3. Zonotope-family rules
/// are parallelograms `y in lam x + mu +/- mu`; back-substitution rules give lower/upper lines per case.
/// </summary>
public static class ReluRules
{
    static readonly (Line, Line) Dead = (Zero, Zero);
    static readonly (Line, Line) Pass = (Identity, Identity);

    static ReluRule Parallelogram(string name, Func<Tensor, Tensor, (Tensor, Tensor)> crossing, (Line, Line)? inactive = null,
        string? internalSwitch = null, Func<Tensor, Tensor, (Tensor, Tensor)>? intervalImage = null) =>
        new(name, inactive ?? Dead, Lines.Parallelogram(crossing), Pass, parallelogram: true, internalSwitch, intervalImage);

    static ReluRule ParallelogramOfSlope(string name, Func<Tensor, Tensor, Tensor> slope) =>
        new(name, Dead, Lines.ParallelogramOfSlope(slope), Pass, parallelogram: true);

    // ---- zonotope family ----

    /// <summary>DeepZ: `lam = u/(u-l)`, `mu = -l lam / 2` (the minimal-area parallelogram; with the stabiliser D in
    /// the slope, `mu = (u - u lam)/2`, which is larger by at most D/2 and keeps it sound).</summary>
    public static readonly ReluRule Zono = ParallelogramOfSlope("zono", (l, u) => u / (u - l + ZonoD));

    /// <summary>The interval rule `[0, u]` for crossing neurons (`lam = 0`, `mu = u/2`): Box, hBox, zBox.
    /// Its interval image is `[relu(l), relu(u)]`; `clamp_min` on the lower end passes the gradient at `l = 0` as the
    /// line form does there (an active neuron's identity line), `relu` on the upper end blocks it at `u = 0` (inactive).</summary>
    public static readonly ReluRule Interval = Parallelogram("box", (l, u) => (zeros_like(l), u / 2),
        intervalImage: (l, u) => (l.clamp_min(0), nn.functional.relu(u)));

    /// <summary>Diag: `lam = 1`, `mu = -l/2`.</summary>
    public static readonly ReluRule Diag = Parallelogram("diag", (l, u) => (ones_like(l), -l / 2));

    /// <summary>Diag-C: Diag, and inactive neurons also `lam = 1`, `mu = -l/2`, which makes it continuous at `u = 0`.</summary>
    public static readonly ReluRule DiagC = Parallelogram("diag-c", (l, u) => (ones_like(l), -l / 2),
        inactive: Lines.Parallelogram((l, u) => (ones_like(l), -l / 2)));

    /// <summary>Switch: Diag when `-l &lt;= u`, else the interval rule.</summary>
    public static readonly ReluRule Switch = Parallelogram("switch", (l, u) =>
    {
        var diag = (-l).le(u);
        return (diag.to(l.dtype), where(diag, -l / 2, u / 2));
    }, internalSwitch: "|l| = |u|");

    /// <summary>DeepZ with soft slope `lam = sigmoid(gamma (l/u - u/l))` and the matching `mu`.</summary>
    public static ReluRule ZonoSoft(double gamma) => ParallelogramOfSlope($"zono:soft={gamma}", (l, u) => SoftSlope(l, u, gamma));

    /// <summary>DeepZ with slope scaled by kappa: `lam = kappa u/(u-l)`, `mu` as for soft slopes.</summary>
    public static ReluRule ZonoKappa(double kappa) => ParallelogramOfSlope($"zono:kappa={kappa}", (l, u) => kappa * u / (u - l + ZonoD));

    // ---- back-substitution family (CROWN / DeepPoly and the study's variants) ----

    static ReluRule Crown(string name, (Line, Line) inactive, (Line, Line) crossing, (Line, Line) active, string? internalSwitch = null) =>
        new(name, inactive, crossing, active, parallelogram: false, internalSwitch);

    public static readonly ReluRule CrownStandard = Crown("crown", Dead, (Adaptive, Triangle), Pass, internalSwitch: "|l| = |u|");

    public static ReluRule CrownSoft(double gamma) => Crown($"crown:soft={gamma}", Dead, (SoftLower(gamma), Triangle), Pass);

    /// <summary>The `--crown_variant` names and their rules.</summary>
    public static readonly IReadOnlyDictionary<string, ReluRule> CrownVariants = new Dictionary<string, ReluRule>
    {
        ["0"] = Crown("crown-0", Dead, (Zero, Triangle), Pass),
        ["0-c"] = Crown("crown-0-c", Dead, (Zero, Triangle), (ConstL, Identity)),
        ["1"] = Crown("crown-1", Dead, (Identity, Triangle), Pass),
        ["1-c"] = Crown("crown-1-c", (Identity, Zero), (Identity, Triangle), Pass),
        ["lower-tria"] = Crown("lower-tria", Dead, (Zero, ShiftedIdentity), Pass),
        ["upper-tria"] = Crown("upper-tria", Dead, (Identity, ConstU), Pass),
        ["lower-tria-c"] = Crown("lower-tria-c", (Zero, ShiftedIdentity), (Zero, ShiftedIdentity), (ConstL, Identity)),
        ["upper-tria-c"] = Crown("upper-tria-c", (Identity, Zero), (Identity, ConstU), (Identity, ConstU)),
    };
}
