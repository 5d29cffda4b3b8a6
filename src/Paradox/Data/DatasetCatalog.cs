namespace Paradox.Data;

/// <summary>
/// Finds and loads the datasets the toolkit knows by name. The directory is, in order: the one the user passes
/// (--data-dir), <c>$PARADOX_DATA/&lt;dataset&gt;</c>, or a default where ./setup.sh puts the files.
/// </summary>
public static class DatasetCatalog
{
    public const string DataVariable = "PARADOX_DATA";
    const string FashionMnistPackageDir = "/usr/share/datasets/fashion-mnist";

    /// <summary>Where a data directory came from, which decides the fix a "not found" message suggests.</summary>
    sealed record DataDir(string Path, string Fix);

    public static LabeledImages Load(DatasetInfo info, bool train, string? dataDir = null) => info.Name switch
    {
        "mnist" => LoadIdx(info, "MNIST", train, Locate(info, dataDir, RepoDataDir("mnist"))),
        "fashion-mnist" => LoadIdx(info, "FashionMNIST", train, Locate(info, dataDir, FashionMnistPackageDir)),
        "cifar10" => LoadCifar10(train, Locate(info, dataDir, RepoDataDir("cifar10"))),
        "svhn" => LoadSvhn(train, Locate(info, dataDir, RepoDataDir("svhn"))),
        _ => throw new ParadoxException($"--dataset {info.Name}: loading this dataset is not supported (supported: mnist, fashion-mnist, cifar10, svhn)"),
    };

    /// <summary>
    /// Why <paramref name="info"/> cannot be loaded (its files missing, or no reader for it), or null when its
    /// training and test files are where <see cref="Load"/> looks; reads no image.
    /// </summary>
    public static string? Unavailable(DatasetInfo info, string? dataDir = null)
    {
        try
        {
            switch (info.Name)
            {
                case "mnist":
                case "fashion-mnist":
                    var dir = Locate(info, dataDir, info.Name == "mnist" ? RepoDataDir("mnist") : FashionMnistPackageDir);
                    var display = info.Name == "mnist" ? "MNIST" : "FashionMNIST";
                    foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
                        FindIdx(dir, name, display);
                    return null;
                case "cifar10":
                    var cifar = Locate(info, dataDir, RepoDataDir("cifar10"));
                    string batches = Path.Combine(cifar.Path, "cifar-10-batches-bin");
                    string found = File.Exists(Path.Combine(batches, Cifar10Reader.TrainFiles[0])) ? batches : cifar.Path;
                    var missing = Cifar10Reader.TrainFiles.Concat(Cifar10Reader.TestFiles).Select(f => Path.Combine(found, f)).FirstOrDefault(f => !File.Exists(f));
                    return missing is null ? null : $"CIFAR-10 not found at {missing}: {cifar.Fix}";
                case "svhn":
                    var svhn = Locate(info, dataDir, RepoDataDir("svhn"));
                    var absent = new[] { SvhnReader.TrainFile, SvhnReader.TestFile }.Select(f => Path.Combine(svhn.Path, f)).FirstOrDefault(f => !File.Exists(f));
                    return absent is null ? null : $"SVHN not found at {absent}: download {SvhnReader.TrainFile} and {SvhnReader.TestFile} from http://ufldl.stanford.edu/housenumbers/ into that directory, or {svhn.Fix}";
                default:
                    return $"{info.Name}: loading this dataset is not supported (supported: mnist, fashion-mnist, cifar10, svhn)";
            }
        }
        catch (ParadoxException e)
        {
            return e.Message;
        }
    }

    static DataDir Locate(DatasetInfo info, string? dataDir, string? defaultDir)
    {
        if (dataDir is not null)
            return new(Path.GetFullPath(dataDir), "check --data-dir");
        var root = Environment.GetEnvironmentVariable(DataVariable);
        if (!string.IsNullOrEmpty(root))
            return new(Path.Combine(Path.GetFullPath(root), info.Name), $"check ${DataVariable} or pass --data-dir");
        if (defaultDir is not null)
            return new(defaultDir, "run ./setup.sh or pass --data-dir");
        throw new ParadoxException(
            $"{info.Name}: no data directory: no Paradox.sln found above {AppContext.BaseDirectory} to locate data/{info.Name}; pass --data-dir or set ${DataVariable}");
    }

    static LabeledImages LoadIdx(DatasetInfo info, string displayName, bool train, DataDir dir)
    {
        string prefix = train ? "train" : "t10k";
        string images = FindIdx(dir, $"{prefix}-images-idx3-ubyte", displayName);
        string labels = FindIdx(dir, $"{prefix}-labels-idx1-ubyte", displayName);
        return IdxReader.Load(images, labels, info);
    }

    /// <summary>The uncompressed file, or else its .gz; the two standard distributions differ.</summary>
    static string FindIdx(DataDir dir, string name, string displayName)
    {
        string raw = Path.Combine(dir.Path, name);
        if (File.Exists(raw))
            return raw;
        if (File.Exists(raw + ".gz"))
            return raw + ".gz";
        throw new ParadoxException($"{displayName} not found at {raw} (or {name}.gz): {dir.Fix}");
    }

    /// <summary>Accepts the cifar-10-batches-bin directory itself or the directory it was extracted into.</summary>
    static LabeledImages LoadCifar10(bool train, DataDir dir)
    {
        var files = train ? Cifar10Reader.TrainFiles : Cifar10Reader.TestFiles;
        string batches = Path.Combine(dir.Path, "cifar-10-batches-bin");
        string found = File.Exists(Path.Combine(batches, files[0])) ? batches : dir.Path;
        foreach (var file in files)
        {
            string path = Path.Combine(found, file);
            if (!File.Exists(path))
                throw new ParadoxException(
                    $"CIFAR-10 not found at {path}: download the binary version (cifar-10-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html, extract it there, or {dir.Fix}");
        }
        return Cifar10Reader.Read([.. files.Select(f => Path.Combine(found, f))], found);
    }

    /// <summary>SVHN's cropped-digits MAT files (Format 2), as distributed; the 'extra' split is not used.</summary>
    static LabeledImages LoadSvhn(bool train, DataDir dir)
    {
        string path = Path.Combine(dir.Path, train ? SvhnReader.TrainFile : SvhnReader.TestFile);
        if (!File.Exists(path))
            throw new ParadoxException(
                $"SVHN not found at {path}: download {SvhnReader.TrainFile} and {SvhnReader.TestFile} from http://ufldl.stanford.edu/housenumbers/ into that directory, or {dir.Fix}");
        return SvhnReader.Read(path);
    }

    /// <summary>data/&lt;name&gt; in the repository this program was built from, or null when it is not inside one.</summary>
    static string? RepoDataDir(string name) => RepoRoot() is { } root ? Path.Combine(root, "data", name) : null;

    /// <summary>The nearest directory above the program's own that holds Paradox.sln.</summary>
    internal static string? RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Paradox.sln")))
                return dir.FullName;
        return null;
    }
}
