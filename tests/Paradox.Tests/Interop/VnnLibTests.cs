using Paradox.Interop;
using Xunit;

namespace Paradox.Tests.Interop;

public class VnnLibTests
{
    const string Robustness = """
        ; a local robustness property
        (declare-const X_0 Real)
        (declare-const X_1 Real)
        (declare-const Y_0 Real)
        (declare-const Y_1 Real)
        (declare-const Y_2 Real)
        (assert (<= X_0 0.6))
        (assert (>= X_0 0.4))
        (assert (and (<= X_1 1e-1) (>= X_1 -0.1)))
        (assert (or
            (and (>= Y_1 Y_0))
            (and (>= Y_2 Y_0))))
        """;

    [Fact]
    public void Robustness_property_becomes_two_cases_over_one_box()
    {
        var p = VnnLib.Parse(Robustness, "rob.vnnlib");
        Assert.Equal(2, p.Inputs);
        Assert.Equal(3, p.Outputs);
        Assert.Equal(2, p.Cases.Count);
        foreach (var c in p.Cases)
        {
            Assert.Equal([0.4, -0.1], c.Lower);
            Assert.Equal([0.6, 0.1], c.Upper);
            var atom = Assert.Single(c.Atoms);
            Assert.Equal(1, atom.Coefficients[0]); // Y_j >= Y_0  <=>  Y_0 - Y_j <= 0
            Assert.Equal(0, atom.Constant);
        }
        Assert.Equal(-1, p.Cases[0].Atoms[0].Coefficients[1]);
        Assert.Equal(-1, p.Cases[1].Atoms[0].Coefficients[2]);
        Assert.True(p.Cases[0].Atoms[0].Holds([1, 2, 0]));
        Assert.False(p.Cases[0].Atoms[0].Holds([3, 2, 0]));
    }

    [Fact]
    public void Weighted_sums_constants_and_nesting_normalise_to_a_dnf()
    {
        var p = VnnLib.Parse("""
            (declare-const X_0 Real)
            (declare-const Y_0 Real)
            (declare-const Y_1 Real)
            (assert (and (>= X_0 0) (<= X_0 1)))
            (assert (and (or (<= (+ (* 2 Y_0) (- Y_1) 1) 0.5) (> Y_1 3))
                         (or (< Y_0 -1) (>= (* Y_1 -0.5) (- 2 Y_0)))))
            """, "w.vnnlib");
        Assert.Equal(4, p.Cases.Count);
        var first = p.Cases[0].Atoms;
        Assert.Equal(2, first.Count);
        Assert.Equal([2.0, -1.0], first[0].Coefficients); // 2 Y0 - Y1 + 1 - 0.5 <= 0
        Assert.Equal(0.5, first[0].Constant);
        Assert.True(first[1].Strict);                      // Y0 + 1 < 0
        Assert.Equal([1.0, 0.0], first[1].Coefficients);
        Assert.Equal(1.0, first[1].Constant);
        var last = p.Cases[3].Atoms;                       // Y1 > 3 and -0.5 Y1 >= 2 - Y0
        Assert.Equal([0.0, -1.0], last[0].Coefficients);
        Assert.Equal(3.0, last[0].Constant);
        Assert.Equal([-1.0, 0.5], last[1].Coefficients);
        Assert.Equal(2.0, last[1].Constant);
    }

    [Fact]
    public void An_empty_box_or_false_constant_drops_the_case()
    {
        var p = VnnLib.Parse("""
            (declare-const X_0 Real)
            (declare-const Y_0 Real)
            (assert (or (and (>= X_0 1) (<= X_0 0) (>= Y_0 0)) (and (>= X_0 0) (<= X_0 1) (<= 1 0))))
            """, "e.vnnlib");
        Assert.Empty(p.Cases);
    }

    [Theory]
    [InlineData("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (<= X_0 1)\n", 3, "never closed")]
    [InlineData("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (<= X_0 1)))", 3, "unbalanced")]
    [InlineData("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (<= X_0 1))\n(assert (>= X_0 0))\n" +
        "(assert (<= Z 1))", 5, "'Z'")]
    [InlineData("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (<= X_0 1))\n(assert (>= X_0 0))\n" +
        "(assert (<= (* Y_0 Y_0) 1))", 5, "not linear")]
    [InlineData("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n\n(assert (<= Y_0 X_0))", 4, "mixes")]
    [InlineData("(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n" +
        "(assert (<= (+ X_0 X_1) 1))", 4, "several inputs")]
    [InlineData("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (<= X_1 1))", 3, "before it is declared")]
    [InlineData("(declare-const X_0 Int)", 1, "only Real")]
    [InlineData("(declare-const X_0 Real)\n(declare-const X_0 Real)", 2, "twice")]
    [InlineData("(declare-const X_0 Real)\n(check-sat)", 2, "unknown command")]
    [InlineData("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (=> (<= X_0 1) (<= Y_0 1)))", 3, "unsupported operator '=>'")]
    [InlineData("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (<= X_0 1 2))", 3, "two operands")]
    public void Malformed_files_name_file_and_line(string text, int line, string message)
    {
        var ex = Assert.Throws<ParadoxException>(() => VnnLib.Parse(text, "bad.vnnlib"));
        Assert.StartsWith($"bad.vnnlib:{line}: ", ex.Message);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Missing_bounds_and_gaps_in_declarations_are_errors()
    {
        var ex = Assert.Throws<ParadoxException>(() =>
            VnnLib.Parse("(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (<= X_0 1))", "m.vnnlib"));
        Assert.Contains("m.vnnlib", ex.Message);
        Assert.Contains("X_0 has no lower bound", ex.Message);
        ex = Assert.Throws<ParadoxException>(() => VnnLib.Parse("(declare-const X_1 Real)\n(declare-const Y_0 Real)", "g.vnnlib"));
        Assert.Contains("X_0 is not declared", ex.Message);
    }

    [Fact]
    public void Gzipped_files_are_read()
    {
        using var dir = new ScratchDir();
        var path = dir.Write("p.vnnlib.gz", System.Text.Encoding.UTF8.GetBytes(Robustness), gzip: true);
        Assert.Equal(2, VnnLib.Load(path).Cases.Count);
        var missing = Assert.Throws<ParadoxException>(() => VnnLib.Load(dir.File("absent.vnnlib")));
        Assert.Contains("absent.vnnlib", missing.Message);
    }
}
