using Google.OrTools.LinearSolver;

namespace Paradox.Verification;

/// <summary>The outcome of one minimisation: a sound lower bound when <see cref="Proven"/>, and the solver's point.</summary>
public readonly record struct Minimum(bool Proven, double Bound, double Value, bool TimedOut, double[]? Input);

/// <summary>
/// A network over one input box as a linear program (GLOP) or mixed-integer program (SCIP), built layer by
/// layer. Each neuron of the current layer is `scale * var + offset` (var -1: a constant), so Normalize and
/// Flatten add nothing; an affine layer adds one variable per output with an equality row (only nonzero
/// coefficients); a ReLU is exact when stable (active: the same variable; inactive: the constant 0) and, when
/// crossing (l &lt; 0 &lt; u), either the triangle `y >= 0, y >= x, y &lt;= u (x - l) / (u - l)` or, in a MILP, the exact
/// big-M encoding with a binary a: `y &lt;= x - l (1 - a), y &lt;= u a` (the triangle row is kept: it is implied and
/// tightens the relaxation).
///
/// Soundness of LP bounds: the solver works in double with tolerances (GLOP's primal feasibility tolerance is
/// 1e-7), so its objective value is not itself a proof. <see cref="Minimize"/> instead evaluates the Lagrangian
/// dual bound `sum_i y_i [row range] + sum_j min over [lb_j, ub_j] of (c - A^T y)_j x_j` for the solver's duals
/// y, which is a valid lower bound for ANY y (every variable has finite bounds), and then subtracts
/// <see cref="Margin"/> for the double rounding of that sum and for the float32 arithmetic of the network itself.
/// MILP bounds are the solver's proven dual bound (relative gap 0) minus the same margin; SCIP's feasibility
/// and integrality tolerances (1e-6) are not covered rigorously, which the README states.
/// </summary>
public sealed class LinearEncoding : IDisposable
{
    /// <summary>The safety margin subtracted from lower bounds (added to upper ones): `1e-6 (1 + |v|)`.</summary>
    public static double Margin(double v) => 1e-6 * (1 + Math.Abs(v));

    readonly Solver solver;
    readonly bool integer;
    readonly List<Variable> vars = [];
    readonly List<double> lb = [], ub = [];
    readonly List<(int[] Cols, double[] Coef, double Lo, double Hi, Constraint Row)> rows = [];
    readonly int inputs;
    bool parametersSet;
    int[] curVar;
    double[] curScale, curOffset;

    /// <summary>Neurons of the current layer: variable index (-1 for a constant), scale and offset.</summary>
    public int Width => curVar.Length;

    public LinearEncoding(bool integer, double[] inputLower, double[] inputUpper)
    {
        this.integer = integer;
        solver = Solver.CreateSolver(integer ? "SCIP" : "GLOP")
            ?? throw new ParadoxException($"OR-Tools: the {(integer ? "SCIP" : "GLOP")} solver is not available in this build");
        inputs = inputLower.Length;
        curVar = new int[inputs];
        curScale = new double[inputs];
        curOffset = new double[inputs];
        for (int i = 0; i < inputs; i++)
        {
            curVar[i] = AddVar(inputLower[i], inputUpper[i]);
            curScale[i] = 1;
        }
    }

    int AddVar(double lo, double hi, bool binary = false)
    {
        var v = binary ? solver.MakeIntVar(lo, hi, "") : solver.MakeNumVar(lo, hi, "");
        vars.Add(v);
        lb.Add(lo);
        ub.Add(hi);
        return vars.Count - 1;
    }

    void AddRow(List<int> cols, List<double> coef, double lo, double hi)
    {
        var row = solver.MakeConstraint(lo, hi, "");
        for (int k = 0; k < cols.Count; k++) row.SetCoefficient(vars[cols[k]], coef[k]);
        rows.Add((cols.ToArray(), coef.ToArray(), lo, hi, row));
    }

    public void Normalize(LpNormalize n)
    {
        for (int k = 0; k < Width; k++)
        {
            int c = k / n.Spatial;
            curScale[k] /= n.Sigma[c];
            curOffset[k] = (curOffset[k] - n.Mean[c]) / n.Sigma[c];
        }
    }

    /// <summary>
    /// Adds an affine layer; each output becomes a variable bounded by interval arithmetic over the current
    /// bounds, intersected with the given sound pre-bounds (when any). Returns its bounds [lower, upper].
    /// </summary>
    public (double[] Lower, double[] Upper) Affine(LpAffine a, double[]? preLower, double[]? preUpper)
    {
        if (a.Inputs != Width) throw new InvalidOperationException($"affine layer {a.Index}: {a.Inputs} inputs, encoding has {Width}");
        int n = a.Outputs;
        var next = new int[n];
        var lower = new double[n];
        var upper = new double[n];
        var cols = new List<int>();
        var coef = new List<double>();
        for (int o = 0; o < n; o++)
        {
            cols.Clear();
            coef.Clear();
            double constant = a.Bias[o], lo = 0, hi = 0;
            for (int k = 0; k < a.Cols[o].Length; k++)
            {
                int j = a.Cols[o][k];
                double w = a.Coef[o][k];
                constant += w * curOffset[j];
                if (curVar[j] < 0 || curScale[j] == 0) continue;
                double c = w * curScale[j];
                int v = curVar[j];
                cols.Add(v);
                coef.Add(-c);
                lo += c > 0 ? c * lb[v] : c * ub[v];
                hi += c > 0 ? c * ub[v] : c * lb[v];
            }
            // Interval bounds, widened for rounding (they are used as variable bounds, so must contain every value).
            lo += constant; hi += constant;
            lo -= Margin(lo) + 1e-9 * Math.Abs(lo); hi += Margin(hi) + 1e-9 * Math.Abs(hi);
            if (preLower is not null) lo = Math.Max(lo, preLower[o]);
            if (preUpper is not null) hi = Math.Min(hi, preUpper[o]);
            if (hi < lo) hi = lo = (hi + lo) / 2; // only through rounding noise of the given pre-bounds
            int y = AddVar(lo, hi);
            cols.Add(y);
            coef.Add(1);
            AddRow(cols, coef, constant, constant);
            next[o] = y;
            lower[o] = lo;
            upper[o] = hi;
        }
        curVar = next;
        curScale = Enumerable.Repeat(1.0, n).ToArray();
        curOffset = new double[n];
        return (lower, upper);
    }

    /// <summary>The current layer's neuron <paramref name="k"/> is a variable of its own (true after an affine layer).</summary>
    public int VariableOf(int k) => curVar[k];

    /// <summary>Replaces the bounds of variable <paramref name="v"/> by tighter proven ones.</summary>
    public void Tighten(int v, double lower, double upper)
    {
        lower = Math.Max(lower, lb[v]);
        upper = Math.Min(upper, ub[v]);
        if (upper < lower) upper = lower = (upper + lower) / 2;
        lb[v] = lower;
        ub[v] = upper;
        vars[v].SetBounds(lower, upper);
    }

    public (double Lower, double Upper) BoundsOf(int v) => (lb[v], ub[v]);

    /// <summary>Adds a ReLU over the current layer with its pre-activation bounds (the current variables' bounds).</summary>
    public void Relu(bool exact)
    {
        var cols = new List<int>();
        var coef = new List<double>();
        for (int k = 0; k < Width; k++)
        {
            int x = curVar[k];
            if (x < 0) throw new InvalidOperationException("ReLU input must be an affine layer's output");
            double l = lb[x], u = ub[x];
            if (l >= 0) continue;                        // active: y = x
            if (u <= 0) { curVar[k] = -1; curScale[k] = 0; curOffset[k] = 0; continue; } // inactive: y = 0
            int y = AddVar(0, u);
            cols.Clear(); coef.Clear();
            cols.Add(y); coef.Add(1); cols.Add(x); coef.Add(-1);
            AddRow(cols, coef, 0, double.PositiveInfinity);          // y >= x
            cols.Clear(); coef.Clear();
            cols.Add(y); coef.Add(u - l); cols.Add(x); coef.Add(-u);
            AddRow(cols, coef, double.NegativeInfinity, -u * l);     // (u - l) y <= u (x - l)
            if (exact)
            {
                int a = AddVar(0, 1, binary: true);
                cols.Clear(); coef.Clear();
                cols.Add(y); coef.Add(1); cols.Add(x); coef.Add(-1); cols.Add(a); coef.Add(-l);
                AddRow(cols, coef, double.NegativeInfinity, -l);     // y <= x - l (1 - a)
                cols.Clear(); coef.Clear();
                cols.Add(y); coef.Add(1); cols.Add(a); coef.Add(-u);
                AddRow(cols, coef, double.NegativeInfinity, 0);      // y <= u a
            }
            curVar[k] = y;
        }
    }

    /// <summary>
    /// Minimises `sum_n w[n] * neuron_n + constant` over the program. For an LP the bound is the dual bound
    /// minus <see cref="Margin"/>; for a MILP the solver's proven bound minus the margin. Not proven (no bound)
    /// when the solver did not finish with an optimal (or, for a MILP at its time limit, feasible) status.
    /// </summary>
    public Minimum Minimize(ReadOnlySpan<double> w, double constant, double timeLimitSeconds = 0, bool stopBelowZero = false)
    {
        if (w.Length != Width) throw new InvalidOperationException($"objective has {w.Length} weights, encoding has {Width}");
        var objective = solver.Objective();
        objective.Clear();
        var c = new double[vars.Count];
        for (int n = 0; n < w.Length; n++)
        {
            if (w[n] == 0) continue;
            constant += w[n] * curOffset[n];
            if (curVar[n] < 0 || curScale[n] == 0) continue;
            c[curVar[n]] += w[n] * curScale[n];
        }
        for (int v = 0; v < c.Length; v++)
            if (c[v] != 0) objective.SetCoefficient(vars[v], c[v]);
        objective.SetOffset(constant);
        objective.SetMinimization();
        return Solve(c, constant, timeLimitSeconds, stopBelowZero);
    }

    /// <summary>Minimises a single variable (pre-activation tightening): sign +1 for its minimum, -1 for minus its maximum.</summary>
    public Minimum MinimizeVariable(int v, double sign)
    {
        var objective = solver.Objective();
        objective.Clear();
        objective.SetCoefficient(vars[v], sign);
        objective.SetOffset(0);
        objective.SetMinimization();
        var c = new double[vars.Count];
        c[v] = sign;
        return Solve(c, 0, 0, false);
    }

    Minimum Solve(double[] c, double constant, double timeLimitSeconds, bool stopBelowZero)
    {
        using var parameters = new MPSolverParameters();
        if (integer)
        {
            parameters.SetDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, 0.0);
            if (timeLimitSeconds > 0) solver.SetTimeLimit((long)Math.Ceiling(timeLimitSeconds * 1000));
            if (!parametersSet)
            {
                parametersSet = true;
                // Cutting planes and presolve cost SCIP seconds per call on these small programs (measured: a 22-binary
                // MILP took 4.5 s with the defaults and 0.17 s without them). Certification only asks for the sign of
                // the minimum: stop at the first point below 0 (a counterexample) or once the proven bound is clearly
                // above 0 (SCIP 10's limits/primal and limits/dual).
                var settings = "separating/maxrounds = 0\nseparating/maxroundsroot = 0\npresolving/maxrounds = 0\n"
                    + (stopBelowZero ? "limits/primal = -1e-5\nlimits/dual = 1e-4\n" : "");
                if (!solver.SetSolverSpecificParametersAsString(settings))
                    throw new InvalidOperationException("SCIP rejected the parameters " + settings.Replace('\n', ' '));
            }
        }
        var status = solver.Solve(parameters);
        bool optimal = status == Solver.ResultStatus.OPTIMAL;
        bool feasible = status == Solver.ResultStatus.FEASIBLE;
        if (!optimal && !(integer && feasible))
            return new Minimum(false, double.NegativeInfinity, double.NaN, integer && status == Solver.ResultStatus.NOT_SOLVED, null);
        double value = solver.Objective().Value();
        var input = new double[inputs];
        for (int i = 0; i < inputs; i++) input[i] = vars[i].SolutionValue();
        double bound;
        if (integer)
            bound = solver.Objective().BestBound();
        else
            bound = DualBound(c, constant);
        if (!double.IsFinite(bound)) return new Minimum(false, double.NegativeInfinity, value, false, input);
        bound -= Margin(bound);
        // A MILP stopped early (time or objective limit) still has a proven bound; it is exact only when optimal.
        return new Minimum(true, bound, value, integer && !optimal, input);
    }

    /// <summary>
    /// `min c^T x + constant` is at least `constant + sum_i min over s in [lo_i, hi_i] of y_i s
    /// + sum_j min over x_j in [lb_j, ub_j] of (c - A^T y)_j x_j` for any multipliers y.
    /// </summary>
    double DualBound(double[] c, double constant)
    {
        var r = (double[])c.Clone();
        double bound = constant;
        foreach (var (cols, coef, lo, hi, row) in rows)
        {
            double y = row.DualValue();
            if (y == 0 || !double.IsFinite(y)) continue;
            double side = y > 0 ? lo : hi;
            if (!double.IsFinite(side)) continue; // that side is unbounded: use y_i = 0 for this row
            bound += y * side;
            for (int k = 0; k < cols.Length; k++) r[cols[k]] -= y * coef[k];
        }
        for (int v = 0; v < r.Length; v++)
        {
            if (r[v] == 0) continue;
            double x = r[v] > 0 ? lb[v] : ub[v];
            if (!double.IsFinite(x)) return double.NegativeInfinity;
            bound += r[v] * x;
        }
        return bound;
    }

    public void Dispose() => solver.Dispose();
}
