using System.CommandLine;

namespace Paradox.Cli.Commands;

/// <summary>`paradox train` and `paradox cert`: one training (or evaluation) run from the flags of the paper's cert.py.</summary>
public static class TrainCommand
{
    public static Command CreateTrain() => Create("train", """
        Train (or evaluate) a network with a relaxation: warm-up, ramp of eps/kappa/beta, then constant.
        Takes the flags of the paper's cert.py (underscore or kebab-case spelling) with the same defaults
        (--seed 100, --dcs_per_one 1); the device is cuda when available, else the CPU.
        """, certCompat: false);

    public static Command CreateCert() => Create("cert", """
        Accepts every flag of the paper's cert.py, with its defaults and required flags, so a line of the
        published scripts runs by replacing `python3 cert.py` with `./paradox cert`.
        cert.py's defaults apply: --seed 100, --device cuda (the CPU, with a notice, when CUDA is missing),
        --dcs_per_one 1. --neptune and --onnx_file are ignored with a notice.
        """, certCompat: true);

    static Command Create(string name, string description, bool certCompat)
    {
        var options = new TrainOptions();
        var command = new Command(name, description);
        options.AddTo(command);
        command.SetBody(result =>
        {
            if (result.GetValue(options.DryRun))
            {
                // Only prints the configuration the flags resolve to; no file is read or written.
                Console.Out.WriteLine(options.Read(result, certCompat).ToJson());
                return 0;
            }
            if (result.GetValue(options.Resume) is { } resumeDir)
            {
                // A resumed run keeps the settings of its config.json; only where and how fast it runs may change.
                var given = command.Options.FirstOrDefault(o => o != options.Resume && result.GetResult(o) is { Implicit: false });
                if (given is not null)
                    throw new ParadoxException($"--resume continues a run with the settings in its config.json; {given.Name} " +
                        "cannot be combined with it");
                var givenDevice = result.GetResult(Cli.Device) is { Implicit: false } ? result.GetValue(Cli.Device) : null;
                var (device, _) = Training.TrainDevice.Resolve(givenDevice, certCompat);
                return TrainRunner.Resume(resumeDir, result.GetValue(Cli.Threads), device);
            }
            var config = options.Read(result, certCompat);
            return TrainRunner.Start(config);
        });
        return command;
    }
}
