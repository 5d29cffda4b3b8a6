using System.CommandLine;
using Paradox.Attacks;
using Paradox.Certification;
using Paradox.Reporting;
using Spectre.Console;

namespace Paradox.Cli.Commands;

/// <summary>The PGD flags of the paper's scripts.</summary>
public sealed class PgdFlags
{
    public readonly Option<int> Steps = Cli.Option("pgd_steps", "PGD steps", 100);
    public readonly Option<double> StepSize = Cli.Option("pgd_step_size", "PGD step size", 0.01);
    public readonly Option<int> Restarts = Cli.Option("pgd_restarts", "PGD random restarts", 1);

    public void AddTo(Command command)
    {
        command.Options.Add(Steps);
        command.Options.Add(StepSize);
        command.Options.Add(Restarts);
    }

    public PgdOptions Read(ParseResult result)
    {
        var options = new PgdOptions(result.GetValue(Steps), result.GetValue(StepSize), result.GetValue(Restarts));
        options.Validate();
        return options;
    }
}
