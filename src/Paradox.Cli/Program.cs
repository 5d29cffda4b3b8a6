using TorchSharp;
using static TorchSharp.torch;
var t = torch.ones(3, 3);
Console.WriteLine((t * 2).sum().item<float>());
foreach (var f in args)
{
    using var fs = File.OpenRead(f);
    var sd = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(fs);
    foreach (System.Collections.DictionaryEntry kv in sd)
    {
        var v = kv.Value as Tensor;
        Console.WriteLine($"{kv.Key}: {(v is null ? kv.Value?.GetType().Name : string.Join("x", v.shape))} {v?.dtype} {v?.device}");
    }
}
