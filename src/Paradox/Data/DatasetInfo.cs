namespace Paradox.Data;

/// <summary>Static facts about a dataset: image shape, classes and the normalisation used by the paper's networks.</summary>
public sealed record DatasetInfo(string Name, int Channels, int Height, int Width, int Classes, float[] Mean, float[] Sigma)
{
    public static readonly DatasetInfo Mnist = new("mnist", 1, 28, 28, 10, [0.1307f], [0.3081f]);
    public static readonly DatasetInfo FashionMnist = new("fashion-mnist", 1, 28, 28, 10, [0.2861f], [0.3530f]);
    public static readonly DatasetInfo Cifar10 = new("cifar10", 3, 32, 32, 10, [0.4914f, 0.4822f, 0.4465f], [0.2023f, 0.1994f, 0.2010f]);
    public static readonly DatasetInfo Svhn = new("svhn", 3, 32, 32, 10, [0.4377f, 0.4438f, 0.4728f], [0.1980f, 0.2011f, 0.1970f]);

    public static IReadOnlyList<DatasetInfo> All { get; } = [Mnist, FashionMnist, Cifar10, Svhn];

    public long[] ImageShape => [Channels, Height, Width];

    /// <summary>Looks a dataset up by the name users type (`mnist`, `fashion-mnist`/`fashionmnist`, `cifar10`, `svhn`).</summary>
    public static DatasetInfo Parse(string name) => name.ToLowerInvariant().Replace("_", "-") switch
    {
        "mnist" => Mnist,
        "fashion-mnist" or "fashionmnist" or "fmnist" => FashionMnist,
        "cifar10" or "cifar-10" or "cifar" => Cifar10,
        "svhn" => Svhn,
        _ => throw new ParadoxException($"--dataset: unknown dataset '{name}' (expected mnist, fashion-mnist, cifar10 or svhn)"),
    };
}
