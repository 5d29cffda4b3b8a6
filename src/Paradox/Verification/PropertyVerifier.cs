using System.Diagnostics;
using Paradox.Interop;
using Paradox.Networks;
using Paradox.Relaxations;
using TorchSharp;
using static TorchSharp.torch;

namespace Paradox.Verification;

/// <summary>VNN-COMP verdicts: `unsat` = the property (an unsafe set) is unreachable, `sat` = a checked counterexample.</summary>
public enum Verdict { Unsat, Sat, Unknown, Timeout, Error }

/// <summary>Settings of `paradox verify`.</summary>
public sealed record VerifyOptions(double TimeoutSeconds = 60, int PgdRestarts = 10, int PgdSteps = 100,
    long MilpMaxRelus = MilpEngine.DefaultMaxRelus)
{
    public void Validate()
    {
        if (!(TimeoutSeconds > 0) || double.IsInfinity(TimeoutSeconds))
            throw new ParadoxException($"--timeout: must be a number of seconds > 0 (got {TimeoutSeconds})");
        if (PgdRestarts < 1) throw new ParadoxException($"--pgd_restarts: must be >= 1 (got {PgdRestarts})");
        if (PgdSteps < 0) throw new ParadoxException($"--pgd_steps: must be >= 0 (got {PgdSteps})");
        if (MilpMaxRelus < 1) throw new ParadoxException($"--milp_max_relus: must be at least 1 (got {MilpMaxRelus})");
    }
}

/// <summary>
/// The result of one property: the verdict, which step decided it, and for `sat` the counterexample (input in the
/// box, flat in C order) with the network's float64 outputs at it.
/// </summary>
public sealed record VerifyOutcome(Verdict Verdict, string Method, double Seconds, double[]? Input, double[]? Output, string Detail)
{
    public string VerdictText => Verdict.ToString().ToLowerInvariant();

    /// <summary>A bounding step that ran past the time limit is still running on the network: do not dispose it.</summary>
    public bool StepStillRunning { get; init; }
}

/// <summary>
/// Decides a VNNLIB property on a network within a time limit. Falsification first: the centre of every case's box,
/// then PGD with restarts on every case (minimising the violation of its atoms). Then, on the cases still open,
/// box -> deeppoly -> triangle LP -> milp (the MILP begins with the triangle LP, so on networks small enough for it
/// the separate triangle step is skipped): a case is unreachable when the relaxation's sound lower bound of one of its
/// atoms `a.Y + c` is positive (beyond a float32 margin). `sat` is returned only for a point that, clamped to the box
/// and re-evaluated in float64, makes every atom of a case hold; `unsat` only when every case is proven
/// unreachable by a sound relaxation; anything else is `unknown` (or `timeout` when the limit ran out).
/// </summary>
public sealed class PropertyVerifier(VerifyOptions options)
{
    /// <summary>Relative margin for the float32 arithmetic of the bounding engines (see <see cref="Margin"/>).</summary>
    const double RelativeMargin = 1e-5;

    public VerifyOutcome Verify(Network network, VnnProperty property, Generator? generator = null)
    {
        options.Validate();
        TorchRuntime.RequireSoundKernels(); // the engines are called directly, not through Relaxation.Bound
        var watch = Stopwatch.StartNew();
        CheckShapes(network, property);
        using var _ = no_grad();
        network.SetRequiresGrad(false);
        VerifyOutcome Done(Verdict v, string method, string detail, double[]? x = null, double[]? y = null) =>
            new(v, method, watch.Elapsed.TotalSeconds, x, y, detail);
        bool Expired() => watch.Elapsed.TotalSeconds >= options.TimeoutSeconds;
        double Remaining() => options.TimeoutSeconds - watch.Elapsed.TotalSeconds;

        if (property.Cases.Count == 0)
            return Done(Verdict.Unsat, "property", "no case of the property can hold (empty boxes or false constants)");
        var open = Enumerable.Range(0, property.Cases.Count).ToList();

        // Falsification: the box centres, then PGD.
        foreach (int k in open)
        {
            var c = property.Cases[k];
            var centre = c.Lower.Zip(c.Upper, (l, u) => 0.5 * (l + u)).ToArray();
            if (Check(network, c, centre) is { } y) return Done(Verdict.Sat, "centre", $"case {k}: the box centre", Clamp(c, centre), y);
        }
        if (Expired()) return Done(Verdict.Timeout, "centre", "time limit reached during falsification");
        if (Attack(network, property, open, generator, Expired) is { } found)
            return Done(Verdict.Sat, "pgd", $"case {found.Case}: PGD", found.X, found.Y);
        if (Expired()) return Done(Verdict.Timeout, "pgd", "time limit reached during falsification");

        // Sound bounds on what is still open.
        var notes = new List<string>();
        string last = "pgd";
        // The MILP starts from the triangle LP's bounds (and skips the atoms they prove): on networks it accepts, a
        // separate triangle step would solve the same LPs twice.
        var steps = network.ReluNeuronCount <= options.MilpMaxRelus
            ? new[] { "box", "deeppoly", "milp" }
            : ["box", "deeppoly", "triangle", "milp"];
        foreach (var name in steps)
        {
            if (open.Count == 0) break;
            if (Expired()) return Done(Verdict.Timeout, last, $"time limit reached before {name}; {open.Count} case(s) open");
            last = name;
            using var cancel = new CancellationTokenSource();
            try
            {
                var stage = Task.Run(() => name == "milp"
                    ? Milp(network, property, open, Remaining(), cancel.Token)
                    : Relax(network, property, open, name, cancel.Token));
                if (!stage.Wait(TimeSpan.FromSeconds(Math.Max(0, Remaining()))))
                {
                    // The LPs stop at the next solve; SCIP at its own time limit. Wait briefly so the network can be released.
                    cancel.Cancel();
                    bool ended = ((IAsyncResult)stage).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10));
                    return Done(Verdict.Timeout, name, $"time limit reached in {name}; {open.Count} case(s) open") with
                    {
                        StepStillRunning = !ended
                    };
                }
                var result = stage.Result;
                if (result.Counterexample is { } cx) return Done(Verdict.Sat, name, $"case {cx.Case}: {name} counterexample", cx.X, cx.Y);
                open = open.Except(result.Proven).ToList();
                if (result.Note is { } note) notes.Add(note);
                if (result.TimedOut && open.Count > 0)
                    return Done(Verdict.Timeout, name, $"{name} ran out of time; {open.Count} case(s) open");
            }
            catch (AggregateException e) when (e.InnerException is ParadoxException p) { notes.Add($"{name}: {p.Message}"); }
            catch (AggregateException e) when (e.InnerException is OperationCanceledException) { notes.Add($"{name} cancelled"); }
            catch (AggregateException e) { notes.Add($"{name} failed: {e.InnerException?.Message}"); }
        }
        if (open.Count == 0) return Done(Verdict.Unsat, last, $"every case proven unreachable by {last}");
        return Done(Verdict.Unknown, last, $"{open.Count} case(s) undecided" + (notes.Count > 0 ? "; " + string.Join("; ", notes) : ""));
    }

    static void CheckShapes(Network network, VnnProperty property)
    {
        long inputs = network.Layers[0].InputShape.Aggregate(1L, (a, b) => a * b);
        if (property.Inputs != inputs)
            throw new ParadoxException($"{property.Source}: declares {property.Inputs} inputs X_i, the network takes {inputs}");
        if (property.Outputs != network.NumClasses)
            throw new ParadoxException($"{property.Source}: declares {property.Outputs} outputs Y_i, the network has {network.NumClasses}");
    }

    // ---------------------------------------------------------------- counterexamples

    sealed record Found(int Case, double[] X, double[] Y);

    static double[] Clamp(PropertyCase c, double[] x) => x.Select((v, i) => Math.Clamp(v, c.Lower[i], c.Upper[i])).ToArray();

    /// <summary>The float64 outputs at the point clamped to the box when every atom holds there, else null.</summary>
    static double[]? Check(Network network, PropertyCase c, double[] x)
    {
        if (x.Any(v => !double.IsFinite(v))) return null;
        var y = ForwardDouble(network, Clamp(c, x));
        return y.All(double.IsFinite) && c.Atoms.All(a => a.Holds(y)) ? y : null;
    }

    /// <summary>The network in float64 (its float32 weights widened exactly): the arithmetic a counterexample is checked in.</summary>
    public static double[] ForwardDouble(Network network, double[] input)
    {
        using var scope = NewDisposeScope();
        var h = tensor(input, dtype: float64).reshape([1, .. network.Layers[0].InputShape]);
        foreach (var layer in network.Layers)
        {
            h = layer switch
            {
                NormalizeLayer n => (h - n.Mean.to(float64)) / n.Sigma.to(float64),
                FlattenLayer => h.flatten(1),
                ReluLayer => nn.functional.relu(h),
                LinearLayer l => nn.functional.linear(h, l.Weight.detach().to(float64), l.Bias.detach().to(float64)),
                Conv2dLayer c => nn.functional.conv2d(h, c.Weight.detach().to(float64), c.Bias.detach().to(float64),
                    strides: [c.Stride, c.Stride], padding: [c.Padding, c.Padding]),
                _ => throw new ParadoxException($"verify: layer {layer.Kind} cannot be evaluated"),
            };
        }
        return h.cpu().data<double>().ToArray();
    }

    /// <summary>PGD on the violation `sum_j relu(a_j.Y + c_j + m)` of every open case's atoms, restarts batched.</summary>
    Found? Attack(Network network, VnnProperty property, List<int> open, Generator? generator, Func<bool> expired)
    {
        var cases = open.Where(k => property.Cases[k].Atoms.Count > 0).ToList();
        if (cases.Count == 0 || options.PgdSteps == 0) return null;
        int restarts = options.PgdRestarts, atoms = cases.Max(k => property.Cases[k].Atoms.Count), outputs = property.Outputs;
        long[] inShape = network.Layers[0].InputShape;
        int n = property.Inputs;
        // Chunks keep the batch small on wide boxes and large networks.
        int chunk = Math.Max(1, 256 / restarts);
        for (int from = 0; from < cases.Count; from += chunk)
        {
            var part = cases.Skip(from).Take(chunk).ToList();
            int batch = part.Count * restarts;
            var lo = new float[batch * n]; var hi = new float[batch * n];
            var cw = new float[batch * atoms * outputs]; var cb = new float[batch * atoms];
            for (int s = 0; s < batch; s++)
            {
                var c = property.Cases[part[s / restarts]];
                for (int i = 0; i < n; i++) { lo[s * n + i] = (float)c.Lower[i]; hi[s * n + i] = (float)c.Upper[i]; }
                for (int j = 0; j < atoms; j++)
                {
                    if (j >= c.Atoms.Count) { cb[s * atoms + j] = -1; continue; } // padding: always holds
                    for (int o = 0; o < outputs; o++) cw[(s * atoms + j) * outputs + o] = (float)c.Atoms[j].Coefficients[o];
                    cb[s * atoms + j] = (float)c.Atoms[j].Constant;
                }
            }
            using var scope = NewDisposeScope();
            var lower = tensor(lo).reshape([batch, .. inShape]).to(network.Device);
            var upper = tensor(hi).reshape([batch, .. inShape]).to(network.Device);
            var weight = tensor(cw).reshape(batch, atoms, outputs).to(network.Device);
            var bias = tensor(cb).reshape(batch, atoms).to(network.Device);
            var width = upper - lower;
            var x = lower + rand(lower.shape, generator: generator).to(network.Device) * width;
            for (int step = 0; step <= options.PgdSteps && !expired(); step++)
            {
                using var stepScope = NewDisposeScope();
                Tensor grad;
                Tensor violation;
                using (enable_grad())
                {
                    var xa = x.detach().requires_grad_(true);
                    var y = network.Forward(xa);
                    violation = weight.bmm(y.unsqueeze(2)).squeeze(2) + bias;
                    var loss = nn.functional.relu(violation + 1e-4).sum();
                    grad = autograd.grad([loss], [xa])[0];
                }
                var hits = violation.detach().le(0).all(1).nonzero().reshape(-1).data<long>().ToArray();
                foreach (long s in hits)
                {
                    int k = part[(int)s / restarts];
                    var point = x[s].to(float64).cpu().contiguous().data<double>().ToArray();
                    if (Check(network, property.Cases[k], point) is { } yy) return new Found(k, Clamp(property.Cases[k], point), yy);
                }
                if (step == options.PgdSteps) break;
                double rate = 0.25 * (1 - (double)step / options.PgdSteps) + 0.01;
                var next = (x - grad.sign() * width * rate).clamp(lower, upper).detach();
                x.Dispose();
                x = next.MoveToOuterDisposeScope();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- sound bounds

    sealed record StageResult(List<int> Proven, Found? Counterexample = null, bool TimedOut = false, string? Note = null);

    /// <summary>The float32 region containing the case's box: bounds rounded outward.</summary>
    static InputRegion Region(Network network, PropertyCase c)
    {
        var lo = c.Lower.Select(v => { float f = (float)v; return f > v ? MathF.BitDecrement(f) : f; }).ToArray();
        var hi = c.Upper.Select(v => { float f = (float)v; return f < v ? MathF.BitIncrement(f) : f; }).ToArray();
        long[] shape = [1, .. network.Layers[0].InputShape];
        return new InputRegion(tensor(lo).reshape(shape).to(network.Device), tensor(hi).reshape(shape).to(network.Device));
    }

    /// <summary>Cases sharing one box (the usual robustness property: one box, one atom per other class).</summary>
    static IEnumerable<List<int>> SameBox(VnnProperty p, IEnumerable<int> cases)
    {
        var groups = new List<List<int>>();
        foreach (int k in cases)
        {
            var g = groups.FirstOrDefault(g =>
                p.Cases[g[0]].Lower.SequenceEqual(p.Cases[k].Lower) && p.Cases[g[0]].Upper.SequenceEqual(p.Cases[k].Upper));
            if (g is null) groups.Add([k]); else g.Add(k);
        }
        return groups;
    }

    /// <summary>The rows `a.Y + c` of the atoms merged with the last Linear layer: W' = A W, b' = A b + c.</summary>
    static (FinalSpec Spec, List<(int Case, int Row, OutputAtom Atom)> Rows) Spec(Network network, VnnProperty p, List<int> cases)
    {
        var rows = cases.SelectMany(k => p.Cases[k].Atoms.Select(a => (Case: k, Atom: a))).Select((r, i) => (r.Case, i, r.Atom)).ToList();
        var a = tensor(rows.SelectMany(r => r.Atom.Coefficients).Select(v => (float)v).ToArray())
            .reshape(1, rows.Count, p.Outputs).to(network.Device);
        var c = tensor(rows.Select(r => (float)r.Atom.Constant).ToArray()).reshape(1, rows.Count).to(network.Device);
        var last = (LinearLayer)network.Layers[^1];
        var spec = new FinalSpec(a.matmul(last.Weight.detach()), a.matmul(last.Bias.detach().unsqueeze(1)).squeeze(2) + c,
            NeedUpper: false);
        return (spec, rows);
    }

    /// <summary>
    /// A lower bound proves an atom false everywhere only beyond a margin for the float32 arithmetic of the engines and
    /// of the network itself: relative to the size of the terms at the box centre (`|a| |Y| + |c|`).
    /// </summary>
    static double Margin(Network network, PropertyCase c, OutputAtom atom)
    {
        var centre = c.Lower.Zip(c.Upper, (l, u) => 0.5 * (l + u)).ToArray();
        var y = ForwardDouble(network, centre);
        double scale = 1 + Math.Abs(atom.Constant) + atom.Coefficients.Select((v, i) => Math.Abs(v * y[i])).Sum();
        return RelativeMargin * scale;
    }

    static StageResult Relax(Network network, VnnProperty p, List<int> open, string name, CancellationToken cancel)
    {
        var relaxation = RelaxationCatalog.Create(name);
        if (relaxation.IsEstimate) throw new InvalidOperationException("an estimate is never a proof");
        var proven = new List<int>();
        foreach (var group in SameBox(p, open.Where(k => p.Cases[k].Atoms.Count > 0)))
        {
            using var scope = NewDisposeScope();
            var (spec, rows) = Spec(network, p, group);
            using var region = Region(network, p.Cases[group[0]]);
            double[] lower;
            if (relaxation.Engine is TriangleLpEngine)
            {
                // Directly, so that the deadline can stop the LPs between solves.
                var problem = TriangleLpEngine.Problem.From(network, region, spec);
                problem.Cancel = cancel;
                lower = TriangleLpEngine.Solve(problem, 0).Lower; // dual bounds with their margin already subtracted
            }
            else lower = relaxation.Engine.Bound(network, region, spec, recordLayers: false)
                .Lower.to(float64).cpu().data<double>().ToArray();
            foreach (var (k, row, atom) in rows)
                if (lower[row] > Margin(network, p.Cases[k], atom) && !proven.Contains(k)) proven.Add(k);
        }
        return new StageResult(proven);
    }

    StageResult Milp(Network network, VnnProperty p, List<int> open, double seconds, CancellationToken cancel)
    {
        var proven = new List<int>();
        bool timedOut = false;
        var deadline = Stopwatch.StartNew();
        // Single-atom cases with one box share a program that stops at the first reachable atom; a conjunction needs every row exact.
        var units = SameBox(p, open.Where(k => p.Cases[k].Atoms.Count == 1)).Select(g => (Cases: g, Stop: true))
            .Concat(open.Where(k => p.Cases[k].Atoms.Count > 1).Select(k => (Cases: new List<int> { k }, Stop: false)));
        foreach (var (cases, stop) in units)
        {
            double left = seconds - deadline.Elapsed.TotalSeconds;
            if (left <= 0) return new StageResult(proven, TimedOut: true);
            var engine = new MilpEngine(left, options.MilpMaxRelus, stopAtFirstViolation: stop, flagName: "--milp_max_relus");
            using var scope = NewDisposeScope();
            var (spec, rows) = Spec(network, p, cases);
            using var region = Region(network, p.Cases[cases[0]]);
            var (_, _, milp) = engine.Solve(network, region, spec, cancel);
            var sample = milp[0];
            // Any point the solver found is tried against every case of the unit (checked in float64).
            foreach (var point in sample.Minimizers.Append(sample.Counterexample).OfType<double[]>())
                foreach (int k in cases)
                    if (Check(network, p.Cases[k], point) is { } y)
                        return new StageResult(proven, new Found(k, Clamp(p.Cases[k], point), y));
            foreach (var (k, row, atom) in rows)
                if (sample.Lower[row] > Margin(network, p.Cases[k], atom) && !proven.Contains(k)) proven.Add(k);
            timedOut |= sample.Status == MilpStatus.TimedOut;
        }
        return new StageResult(proven, TimedOut: timedOut);
    }
}
