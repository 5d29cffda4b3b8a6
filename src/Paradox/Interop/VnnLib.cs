using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Paradox.Interop;

/// <summary>A linear atom over the outputs that holds iff `Coefficients . Y + Constant <= 0` (`< 0` when strict).</summary>
public sealed record OutputAtom(double[] Coefficients, double Constant, bool Strict)
{
    public double Value(IReadOnlyList<double> y)
    {
        double v = Constant;
        for (int i = 0; i < Coefficients.Length; i++) v += Coefficients[i] * y[i];
        return v;
    }

    public bool Holds(IReadOnlyList<double> y) => Strict ? Value(y) < 0 : Value(y) <= 0;
}

/// <summary>One disjunct of a property: an input box and a conjunction of output atoms (the unsafe set when all hold).</summary>
public sealed record PropertyCase(double[] Lower, double[] Upper, IReadOnlyList<OutputAtom> Atoms);

/// <summary>
/// A VNNLIB property: it is satisfiable (`sat`) iff some input in some case's box makes all of that case's atoms hold.
/// `unsat` means the network is safe for it. An empty case list is a property that can never hold.
/// </summary>
public sealed record VnnProperty(string Source, int Inputs, int Outputs, IReadOnlyList<PropertyCase> Cases);

/// <summary>
/// Parser of the VNN-COMP subset of VNNLIB: `(declare-const X_i Real)`, `(declare-const Y_j Real)` and `(assert F)`
/// where F nests `and`/`or` over comparisons (`<=`, `>=`, `<`, `>`, `=`) of linear terms (`+`, `-`, `*` by constants).
/// Input atoms must bound one X against a constant; output atoms are linear over Y; the conjunction of all asserts is
/// normalised to a disjunction of conjunctions. Every error names the file and line.
/// </summary>
public static class VnnLib
{
    const int MaxCases = 100_000;

    public static VnnProperty Load(string path)
    {
        if (!File.Exists(path)) throw new ParadoxException($"--vnnlib: file not found: {path}");
        string text;
        try
        {
            using var file = File.OpenRead(path);
            using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(file, CompressionMode.Decompress)
                : (Stream)file;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text = reader.ReadToEnd();
        }
        catch (InvalidDataException e) { throw new ParadoxException($"{path}: not a gzip file ({e.Message})"); }
        return Parse(text, path);
    }

    sealed record Expr(int Line, string? Atom, List<Expr>? Items)
    {
        public bool IsList => Items is not null;
    }

    /// <summary>A linear form over X and Y plus a constant; an atom `Form <= 0` (strict: `< 0`).</summary>
    sealed record Form(Dictionary<(char Kind, int Index), double> Terms, double Constant)
    {
        public static Form Const(double c) => new(new(), c);
        public Form Scale(double s) => new(Terms.ToDictionary(kv => kv.Key, kv => kv.Value * s), Constant * s);
        public Form Plus(Form o)
        {
            var t = new Dictionary<(char, int), double>(Terms);
            foreach (var (k, v) in o.Terms) t[k] = t.GetValueOrDefault(k) + v;
            return new(t, Constant + o.Constant);
        }
        public bool IsConstant => Terms.Values.All(v => v == 0);
    }

    sealed record Atom(int Line, Form Form, bool Strict);

    public static VnnProperty Parse(string text, string source)
    {
        var top = Read(text, source);
        var declared = new HashSet<(char, int)>();
        List<List<Atom>> dnf = [[]];
        foreach (var e in top)
        {
            if (!e.IsList || e.Items!.Count == 0 || e.Items[0].Atom is not { } head)
                throw Error(source, e.Line, "expected (declare-const ...) or (assert ...)");
            switch (head)
            {
                case "declare-const":
                    if (e.Items.Count != 3 || e.Items[1].Atom is not { } name || e.Items[2].Atom is not { } type)
                        throw Error(source, e.Line, "expected (declare-const NAME Real)");
                    if (type != "Real") throw Error(source, e.Line, $"'{name}' is declared {type}; only Real is supported");
                    var v = Variable(name)
                        ?? throw Error(source, e.Line, $"'{name}': variables must be named X_i (inputs) or Y_i (outputs)");
                    if (!declared.Add(v)) throw Error(source, e.Line, $"'{name}' is declared twice");
                    break;
                case "assert":
                    if (e.Items.Count != 2) throw Error(source, e.Line, "expected (assert FORMULA)");
                    dnf = And(dnf, Formula(e.Items[1], declared, source), source, e.Line);
                    break;
                default:
                    throw Error(source, e.Line, $"unknown command '{head}' (expected declare-const or assert)");
            }
        }
        int inputs = Count(declared, 'X', source), outputs = Count(declared, 'Y', source);
        var cases = new List<PropertyCase>();
        foreach (var conjunction in dnf)
            if (Case(conjunction, inputs, outputs, source) is { } c) cases.Add(c);
        return new VnnProperty(source, inputs, outputs, cases);
    }

    static int Count(HashSet<(char Kind, int Index)> declared, char kind, string source)
    {
        var indices = declared.Where(d => d.Kind == kind).Select(d => d.Index).Order().ToList();
        if (indices.Count == 0) throw new ParadoxException($"{source}: no {kind}_i variable is declared");
        for (int i = 0; i < indices.Count; i++)
            if (indices[i] != i) throw new ParadoxException($"{source}: {kind}_{i} is not declared although {kind}_{indices[^1]} is");
        return indices.Count;
    }

    /// <summary>Splits a conjunction into the input box and the output atoms; null when it is empty (can never hold).</summary>
    static PropertyCase? Case(List<Atom> atoms, int inputs, int outputs, string source)
    {
        var lower = Enumerable.Repeat(double.NegativeInfinity, inputs).ToArray();
        var upper = Enumerable.Repeat(double.PositiveInfinity, inputs).ToArray();
        var output = new List<OutputAtom>();
        bool empty = false;
        foreach (var atom in atoms)
        {
            var terms = atom.Form.Terms.Where(kv => kv.Value != 0).ToList();
            if (terms.Count == 0)
            {
                double c = atom.Form.Constant;
                empty |= atom.Strict ? !(c < 0) : !(c <= 0);
                continue;
            }
            bool hasX = terms.Any(t => t.Key.Kind == 'X'), hasY = terms.Any(t => t.Key.Kind == 'Y');
            if (hasX && hasY) throw Error(source, atom.Line, "a constraint mixes inputs and outputs; not supported");
            if (hasX)
            {
                if (terms.Count != 1)
                    throw Error(source, atom.Line, "a constraint over several inputs; only bounds of one X_i by a constant are supported");
                var ((_, i), a) = terms[0];
                double bound = -atom.Form.Constant / a; // a x + c <= 0
                if (a > 0) upper[i] = Math.Min(upper[i], bound);
                else lower[i] = Math.Max(lower[i], bound);
                continue;
            }
            var coefficients = new double[outputs];
            foreach (var ((_, j), a) in terms) coefficients[j] = a;
            output.Add(new OutputAtom(coefficients, atom.Form.Constant, atom.Strict));
        }
        if (empty) return null;
        for (int i = 0; i < inputs; i++)
        {
            if (double.IsNegativeInfinity(lower[i]) || double.IsPositiveInfinity(upper[i]))
                throw new ParadoxException($"{source}: X_{i} has no {(double.IsNegativeInfinity(lower[i]) ? "lower" : "upper")} bound");
            if (lower[i] > upper[i]) return null;
        }
        return new PropertyCase(lower, upper, output);
    }

    static List<List<Atom>> And(List<List<Atom>> a, List<List<Atom>> b, string source, int line)
    {
        if ((long)a.Count * b.Count > MaxCases)
            throw Error(source, line, $"the property expands to more than {MaxCases:N0} disjuncts");
        return a.SelectMany(x => b.Select(y => x.Concat(y).ToList())).ToList();
    }

    static List<List<Atom>> Formula(Expr e, HashSet<(char, int)> declared, string source)
    {
        if (!e.IsList || e.Items!.Count == 0 || e.Items[0].Atom is not { } op)
            throw Error(source, e.Line, $"expected a formula, found '{e.Atom ?? "()"}'");
        var args = e.Items.Skip(1).ToList();
        switch (op)
        {
            case "and":
                {
                    List<List<Atom>> result = [[]];
                    foreach (var a in args) result = And(result, Formula(a, declared, source), source, a.Line);
                    return result;
                }
            case "or":
                {
                    if (args.Count == 0) throw Error(source, e.Line, "(or) with no operands");
                    var result = args.SelectMany(a => Formula(a, declared, source)).ToList();
                    if (result.Count > MaxCases) throw Error(source, e.Line, $"the property expands to more than {MaxCases:N0} disjuncts");
                    return result;
                }
            case "<=" or ">=" or "<" or ">" or "=":
                {
                    if (args.Count != 2) throw Error(source, e.Line, $"({op} ...) needs two operands, found {args.Count}");
                    var l = Term(args[0], declared, source);
                    var r = Term(args[1], declared, source);
                    var lMinusR = l.Plus(r.Scale(-1));
                    return op switch
                    {
                        "<=" => [[new Atom(e.Line, lMinusR, false)]],
                        "<" => [[new Atom(e.Line, lMinusR, true)]],
                        ">=" => [[new Atom(e.Line, lMinusR.Scale(-1), false)]],
                        ">" => [[new Atom(e.Line, lMinusR.Scale(-1), true)]],
                        _ => [[new Atom(e.Line, lMinusR, false), new Atom(e.Line, lMinusR.Scale(-1), false)]],
                    };
                }
            default:
                throw Error(source, e.Line, $"unsupported operator '{op}' (expected and, or, <=, >=, <, >, =)");
        }
    }

    static Form Term(Expr e, HashSet<(char, int)> declared, string source)
    {
        if (!e.IsList)
        {
            var s = e.Atom!;
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var c))
            {
                if (!double.IsFinite(c)) throw Error(source, e.Line, $"'{s}' is not a finite number");
                return Form.Const(c);
            }
            var v = Variable(s) ?? throw Error(source, e.Line, $"'{s}' is neither a number nor a variable X_i / Y_i");
            if (!declared.Contains(v)) throw Error(source, e.Line, $"'{s}' is used before it is declared");
            return new Form(new() { [v] = 1 }, 0);
        }
        if (e.Items!.Count == 0 || e.Items[0].Atom is not { } op) throw Error(source, e.Line, "expected a term");
        var args = e.Items.Skip(1).Select(a => Term(a, declared, source)).ToList();
        if (args.Count == 0) throw Error(source, e.Line, $"({op}) with no operands");
        switch (op)
        {
            case "+": return args.Aggregate((a, b) => a.Plus(b));
            case "-": return args.Count == 1 ? args[0].Scale(-1) : args.Skip(1).Aggregate(args[0], (a, b) => a.Plus(b.Scale(-1)));
            case "*":
                {
                    var variable = args.Where(a => !a.IsConstant).ToList();
                    if (variable.Count > 1) throw Error(source, e.Line, "a product of variables is not linear");
                    double factor = args.Where(a => a.IsConstant).Aggregate(1.0, (p, a) => p * a.Constant);
                    return variable.Count == 0 ? Form.Const(factor) : variable[0].Scale(factor);
                }
            default: throw Error(source, e.Line, $"unsupported term operator '{op}' (expected +, -, *)");
        }
    }

    static (char, int)? Variable(string name)
    {
        if (name.Length < 3 || (name[0] != 'X' && name[0] != 'Y') || name[1] != '_') return null;
        return int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? (name[0], i) : null;
    }

    static List<Expr> Read(string text, string source)
    {
        var stack = new Stack<(int Line, List<Expr> Items)>();
        var top = new List<Expr>();
        int line = 1, i = 0;
        while (i < text.Length)
        {
            char ch = text[i];
            if (ch == '\n') { line++; i++; continue; }
            if (char.IsWhiteSpace(ch)) { i++; continue; }
            if (ch == ';') { while (i < text.Length && text[i] != '\n') i++; continue; }
            if (ch == '(') { stack.Push((line, [])); i++; continue; }
            if (ch == ')')
            {
                if (stack.Count == 0) throw Error(source, line, "unbalanced ')'");
                var (open, items) = stack.Pop();
                (stack.Count > 0 ? stack.Peek().Items : top).Add(new Expr(open, null, items));
                i++;
                continue;
            }
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '(' && text[i] != ')' && text[i] != ';') i++;
            var atom = new Expr(line, text[start..i], null);
            if (stack.Count == 0) throw Error(source, line, $"'{atom.Atom}' outside parentheses");
            stack.Peek().Items.Add(atom);
        }
        if (stack.Count > 0) throw Error(source, stack.Peek().Line, "'(' is never closed");
        return top;
    }

    static ParadoxException Error(string source, int line, string message) => new($"{source}:{line}: {message}");
}
