using System.CommandLine;
using System.Text.Json.Nodes;
using Paradox.Relaxations;
using Paradox.Reporting;
using static TorchSharp.torch;

namespace Paradox.Cli.Commands;

/// <summary>`paradox bounds`: per-image lower bounds of logit differences (and optionally every ReLU layer's bounds) as JSON.</summary>
public static class BoundsCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var relax = new RelaxationOptions();
        var eps = Cli.Option("eps", "L-infinity radius (pixels in [0,1])", 0.1);
        var domain = Cli.Option("domain", $"One domain `name[:variant][:key=value]`: {RelaxationCatalog.Names}", "box");
        var indices = Cli.Option("indices", "Test-set indices: ranges and lists, e.g. 0-19 or 0,5,10-12", "0-19");
        var layers = Cli.Option<bool>("layers", "Also write the pre-activation lb/ub of every ReLU layer (flattened)");
        var json = Cli.Option<string>("json", "Output JSON file");
        json.Required = true;
        var command = new Command("bounds", """
            Lower bounds of logit_label - logit_j (j != label, increasing j) for chosen test images, as JSON:
            {"images": [{"index", "label", "lower": [...], "layers": [{"layer", "lb", "ub"}]}]}.
            """);
        model.AddTo(command);
        relax.AddTo(command);
        foreach (var o in new Option[] { eps, domain, indices, layers, json }) command.Options.Add(o);
        command.SetBody(result =>
        {
            var device = Cli.ConfigureRuntime(result);
            double e = Checks.Eps(result.GetValue(eps));
            using var generator = Cli.Generator(result);
            var relaxation = RelaxationCatalog.Create(result.GetValue(domain)!, relax.Read(result), generator, "--domain");
            using var network = model.LoadNetwork(result, device);
            using var test = model.LoadTestSet(result, network, null);
            var chosen = ParseIndices(result.GetValue(indices)!, test.Count);
            using var data = test.Select(chosen);
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var x = data.Images.to(device);
            var y = data.Labels.to(device);
            using var region = InputRegion.Ball(x, e);
            bool recordLayers = result.GetValue(layers);
            var bound = relaxation.Bound(network, region, y, SpecKind.Diffs, recordLayers);
            var images = new JsonArray();
            for (int i = 0; i < chosen.Length; i++)
            {
                var entry = new JsonObject
                {
                    ["index"] = chosen[i],
                    ["label"] = y[i].item<long>(),
                    ["lower"] = Numbers(bound.Lower[i]),
                };
                if (recordLayers)
                    entry["layers"] = new JsonArray(bound.PreActivation.Select(b => (JsonNode)new JsonObject
                    {
                        ["layer"] = b.LayerIndex,
                        ["lb"] = Numbers(b.Lower[i].flatten()),
                        ["ub"] = Numbers(b.Upper[i].flatten()),
                    }).ToArray());
                images.Add(entry);
            }
            var output = new JsonObject
            {
                ["domain"] = relaxation.Name,
                ["eps"] = e,
                ["estimate"] = relaxation.IsEstimate ? "estimate, not a certificate" : null,
                ["images"] = images,
            };
            if (!relaxation.IsEstimate) output.Remove("estimate");
            ResultJson.Write(result.GetValue(json)!, output);
            Console.WriteLine($"wrote bounds of {chosen.Length} image(s) for {relaxation.Name} to {result.GetValue(json)}");
            return 0;
        }, json);
        return command;
    }

    static JsonArray Numbers(TorchSharp.torch.Tensor t) =>
        new(t.cpu().data<float>().ToArray().Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    /// <summary>Parses `0-19`, `3`, `0,5,10-12` into indices, each checked against the test-set size.</summary>
    public static long[] ParseIndices(string text, int count)
    {
        var result = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-');
            if (ends.Length > 2 || !ends.All(s => long.TryParse(s, out _)))
                throw new ParadoxException($"--indices: cannot read '{part}' (expected e.g. 0-19 or 0,5,10-12)");
            long from = long.Parse(ends[0]), to = long.Parse(ends[^1]);
            if (from > to) throw new ParadoxException($"--indices: empty range '{part}'");
            if (from < 0 || to >= count) throw new ParadoxException($"--indices: '{part}' is outside the test set (0-{count - 1})");
            for (long i = from; i <= to; i++) result.Add(i);
        }
        if (result.Count == 0) throw new ParadoxException("--indices: no index given");
        return result.ToArray();
    }
}
