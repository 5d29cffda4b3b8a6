using System.Globalization;
using System.Text;
using Paradox.Analysis;
using Paradox.IO;

namespace Paradox.Reporting;

/// <summary>The raw landscape values: `t,relaxation,loss` (1-D) or `t1,t2,relaxation,loss` (2-D), round-trip precision.</summary>
public static class LandscapeCsv
{
    public static string Format(LandscapeLine line)
    {
        var csv = new StringBuilder("t,relaxation,loss\n");
        for (int k = 0; k < line.Names.Count; k++)
            for (int i = 0; i < line.T.Length; i++)
                csv.Append($"{Number(line.T[i])},{line.Names[k]},{Number(line.Losses[k][i])}\n");
        return csv.ToString();
    }

    public static string Format(LandscapePlane plane)
    {
        var csv = new StringBuilder("t1,t2,relaxation,loss\n");
        for (int k = 0; k < plane.Names.Count; k++)
            for (int i = 0; i < plane.T1.Length; i++)
                for (int j = 0; j < plane.T2.Length; j++)
                    csv.Append($"{Number(plane.T1[i])},{Number(plane.T2[j])},{plane.Names[k]},{Number(plane.Losses[k][i, j])}\n");
        return csv.ToString();
    }

    public static void Write(string path, string csv) => AtomicFile.WriteText(path, csv);

    static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
