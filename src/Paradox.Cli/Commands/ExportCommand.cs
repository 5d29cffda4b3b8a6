using System.CommandLine;
using Paradox.Interop;

namespace Paradox.Cli.Commands;

/// <summary>`paradox export`: a model (checkpoint, PyTorch state dict or ONNX) written as ONNX, Normalize included.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var output = Cli.Option<string>("onnx", "The ONNX file to write");
        output.Required = true;
        var command = new Command("export",
            "Write a model as ONNX (opset 13): Normalize as Sub/Div, Linear as Gemm, Conv2d as Conv, ReLU as Relu.");
        model.AddTo(command);
        command.Options.Add(output);
        command.SetBody(result =>
        {
            var path = result.GetValue(output)!;
            OutputPath.Check(path, "--onnx");
            var device = Cli.ConfigureRuntime(result);
            using var network = model.LoadNetwork(result, device);
            OnnxExporter.Save(network, path);
            Console.WriteLine($"wrote {path}: {network.Architecture}, input [{string.Join(", ", network.Layers[0].InputShape)}], " +
                $"{network.NumClasses} outputs");
            return 0;
        });
        return command;
    }
}
