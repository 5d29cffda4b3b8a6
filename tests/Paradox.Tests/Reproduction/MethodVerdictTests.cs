using Paradox.Reproduction;
using Xunit;

namespace Paradox.Tests.Reproduction;

/// <summary>The `beyond` table's two sentences per column: the method that certifies most, and whether a tight one beats Box.</summary>
public sealed class MethodVerdictTests
{
    static readonly GridTable Beyond = GridDefinition.Load(GridFileTests.GridPath).Table("beyond");

    static RunOutcome Run(string table, string row, double? cert, string status = RunOutcome.Finished) =>
        new(new ResolvedRun(new GridRun(row, table, row, "MNIST CONV", "p", []), null, null, null), row + "-cpu2", status, 95, cert,
            false, null, null);

    [Fact]
    public void The_grid_compares_the_beyond_rows_with_table_2s_box()
    {
        var compare = Beyond.Compare!;
        Assert.Equal(("table2", "Box"), (compare.BaselineTable, compare.BaselineRow));
        Assert.Equal(["RGS + CROWN-IBP (R)", "RGS + CROWN", "PGPE + CROWN"], compare.Tight);
    }

    [Fact]
    public void The_best_method_and_the_tight_verdict_follow_the_finished_runs()
    {
        var box = Run("table2", "Box", 83.9);
        var open = Assert.Single(MethodVerdicts.Judge(Beyond, [box, Run("beyond", "SABR", 82.2), Run("beyond", "MTL-IBP", 83.9),
            Run("beyond", "RGS + CROWN", null, RunOutcome.Pending)], "cpu2"));
        Assert.Equal("MTL-IBP", open.Best);
        Assert.Equal("MNIST CONV (beyond, profile cpu2): MTL-IBP certifies most, 83.9 % (MTL-IBP 83.9, SABR 82.2); " +
                     "not finished: RGS + Box, RGS + CROWN-IBP (R), RGS + CROWN, PGPE + CROWN.", open.BestSentence);
        Assert.Null(open.TightBeatsBaseline);
        Assert.StartsWith("MNIST CONV (beyond, profile cpu2): open: no finished method on a tight relaxation beats Box (table2)'s 83.9 %",
            open.TightSentence);

        var yes = MethodVerdicts.Judge(Beyond, [box, Run("beyond", "RGS + CROWN-IBP (R)", 84.0), Run("beyond", "RGS + CROWN", 85.0)],
            "cpu2").Single(); // the best of the tight rows that beat Box is named
        Assert.True(yes.TightBeatsBaseline);
        Assert.Contains("yes, a method on a tight relaxation beats Box (table2): RGS + CROWN certifies 85.0 %, Box (table2) 83.9 %",
            yes.TightSentence);

        RunOutcome[] tight =
            [Run("beyond", "RGS + CROWN-IBP (R)", 80), Run("beyond", "RGS + CROWN", 83.9), Run("beyond", "PGPE + CROWN", 70)];
        var no = MethodVerdicts.Judge(Beyond, [box, .. tight], "cpu2").Single();
        Assert.False(no.TightBeatsBaseline); // a tie is not "more"
        Assert.StartsWith("MNIST CONV (beyond, profile cpu2): no, no method on a tight relaxation", no.TightSentence);

        var noBaseline = MethodVerdicts.Judge(Beyond, [.. tight], "cpu2").Single();
        Assert.Null(noBaseline.TightBeatsBaseline);
        Assert.Contains("Box (table2) is not among the finished runs of this report", noBaseline.TightSentence);
        Assert.Empty(MethodVerdicts.Judge(Beyond, [box], "cpu2"));
    }
}
