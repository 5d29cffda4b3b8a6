using System.CommandLine;
using System.Text.Json.Nodes;
using Paradox.Reporting;
using TorchSharp;

namespace Paradox.Cli.Commands;

/// <summary>`paradox doctor`: the machine, libtorch, the numeric settings in force and the kernel self-check.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var json = Cli.Option<string?>("json", "Also write the report as JSON to this file");
        var command = new Command("doctor",
            "Print the CPU, libtorch and BLAS in use, threads, the numeric settings in force and each kernel self-check " +
            "with its error; exit 0 only when every kernel holds (otherwise certifying, verifying, attacking and training refuse).");
        command.Options.Add(json);
        command.SetBody(result =>
        {
            OutputPath.Check(result.GetValue(json), "--json");
            Cli.ConfigureRuntime(result);
            var machine = MachineReport.Read();
            var verdict = TorchRuntime.Kernels;
            Console.WriteLine($"cpu:        {machine.Cpu}, {machine.Cores} logical cores");
            Console.WriteLine($"isa:        {machine.IsaFlags}");
            Console.WriteLine($"libtorch:   {machine.TorchVersion}, CPU capability {machine.CpuCapability}, BLAS {machine.Blas}");
            Console.WriteLine($"threads:    {torch.get_num_threads()} intra-op");
            foreach (var setting in Settings(verdict)) Console.WriteLine($"setting:    {setting}");
            if (verdict.OneDnnReport is { } tried && !verdict.OneDnnEnabled)
                Console.WriteLine($"oneDNN:     tried and refused: {Describe(tried.FirstFailure!)}; checked again without it");

            Console.WriteLine($"{"kernel",-24} {"result",-6} {"max error",10} {"allowed",10} {"checks",6}  worst case");
            foreach (var group in verdict.Report.Checks.GroupBy(c => c.Kernel))
            {
                var worst = group.MaxBy(c => c.WorstRatio)!;
                Console.WriteLine($"{group.Key,-24} {(group.All(c => c.Passed) ? "ok" : "WRONG"),-6} {worst.MaxError,10:G3} " +
                    $"{worst.Tolerance,10:G3} {group.Count(),6}  {worst.Case}");
            }
            Console.WriteLine($"self-check: {verdict.Report.Checks.Count} checks in {verdict.Report.Milliseconds:F0} ms");
            Console.WriteLine(verdict.Sound ? "verdict:    every kernel holds; bounds are computed with sound kernels"
                                            : $"verdict:    {verdict.Refusal}");
            if (result.GetValue(json) is { } path) ResultJson.Write(path, Json(machine, verdict));
            return verdict.Sound ? 0 : 1;
        });
        return command;
    }

    static IEnumerable<string> Settings(KernelVerdict verdict)
    {
        yield return "NNPACK off (cannot initialise on these CPUs)";
        yield return $"oneDNN {(verdict.OneDnnEnabled ? "on" : "off")} " +
            $"({TorchRuntime.OneDnnVariable}={verdict.Mode.ToString().ToLowerInvariant()})";
        foreach (var note in TorchRuntime.ProcessNotes) yield return note;
    }

    static string Describe(KernelCheck c) => $"{c.Kernel} max error {c.MaxError:G3} on {c.Case} (allowed {c.Tolerance:G3})";

    static JsonObject Json(MachineReport machine, KernelVerdict verdict) => new()
    {
        ["cpu"] = machine.Cpu,
        ["isa"] = machine.IsaFlags,
        ["cores"] = machine.Cores,
        ["libtorch"] = machine.TorchVersion,
        ["cpu_capability"] = machine.CpuCapability,
        ["blas"] = machine.Blas,
        ["threads"] = torch.get_num_threads(),
        ["onednn_mode"] = verdict.Mode.ToString().ToLowerInvariant(),
        ["onednn_enabled"] = verdict.OneDnnEnabled,
        ["settings"] = new JsonArray(Settings(verdict).Select(s => (JsonNode)s!).ToArray()),
        ["sound"] = verdict.Sound,
        ["refusal"] = verdict.Refusal,
        ["milliseconds"] = verdict.Report.Milliseconds,
        ["checks"] = new JsonArray(verdict.Report.Checks.Select(c => (JsonNode)new JsonObject
        {
            ["kernel"] = c.Kernel, ["case"] = c.Case, ["max_error"] = c.MaxError, ["tolerance"] = c.Tolerance, ["passed"] = c.Passed,
        }).ToArray()),
    };
}

