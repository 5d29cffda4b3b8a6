using Paradox.Relaxations;

namespace Paradox.Analysis;

/// <summary>One relaxation of a tightness measurement and how many of the first test images it is measured on (`hbox@90`).</summary>
public sealed record TightnessRequest(Relaxation Relaxation, int Count)
{
    /// <summary>`box,hbox@90,...`: each `name[@N]` built with <paramref name="flags"/>; N defaults to <paramref name="n"/>.</summary>
    public static List<TightnessRequest> Parse(string list, int n, RelaxationFlags flags, TorchSharp.torch.Generator? generator,
        string flag = "--relaxations")
    {
        var requests = new List<TightnessRequest>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = item.LastIndexOf('@');
            int count = n;
            if (at >= 0 && (!int.TryParse(item[(at + 1)..], out count) || count < 1))
                throw new ParadoxException($"{flag}: '{item}': the image count after @ must be a positive integer");
            var name = at >= 0 ? item[..at] : item;
            requests.Add(new TightnessRequest(RelaxationCatalog.Create(name, flags, generator, flag), count));
        }
        if (requests.Count == 0) throw new ParadoxException($"{flag}: no relaxation given (known: {RelaxationCatalog.Names})");
        return requests;
    }
}
