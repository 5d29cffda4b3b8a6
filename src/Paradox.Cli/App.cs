using System.CommandLine;
using Paradox.Cli.Commands;

namespace Paradox.Cli;

/// <summary>The `paradox` command tree; Program.cs runs it and tests invoke it in-process.</summary>
public static class App
{
    public static RootCommand BuildRoot()
    {
        // System.CommandLine names the root after the running file (Paradox.Cli.dll); help and usage should say `paradox`.
        typeof(RootCommand).GetField("_executableName", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
            ?.SetValue(null, "paradox");
        var root = new RootCommand("Paradox: certified training of neural networks with convex relaxations, and the three properties " +
            "(tightness, continuity, sensitivity) that explain why tighter relaxations often train worse.");
        root.Options.Add(Cli.Seed);
        root.Options.Add(Cli.Threads);
        root.Options.Add(Cli.Device);
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(CertifyCommand.Create());
        root.Subcommands.Add(BoundsCommand.Create());
        root.Subcommands.Add(TightnessCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(TrainCommand.CreateTrain());
        root.Subcommands.Add(TrainCommand.CreateCert());
        root.Subcommands.Add(RunsCommand.Create());
        root.Subcommands.Add(ReproduceCommand.Create());
        root.Subcommands.Add(LandscapeCommand.Create());
        root.Subcommands.Add(SensitivityCommand.Create());
        root.Subcommands.Add(ContinuityCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        return root;
    }
}
