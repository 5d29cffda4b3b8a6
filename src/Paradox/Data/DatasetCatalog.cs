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

    public static LabeledImages Load(DatasetInfo info, bool train, string? dataDir = null)
    {
        var files = Files(info, train, dataDir);
        return info.Name switch
        {
            "cifar10" => Cifar10Reader.Read(files, Path.GetDirectoryName(files[0])!),
            "svhn" => SvhnReader.Read(files[0]),
            _ => IdxReader.Load(files[0], files[1], info),
        };
    }

    /// <summary>
    /// Why <paramref name="info"/> cannot be loaded (its files missing, or no reader for it), or null when its
    /// training and test files are where <see cref="Load"/> looks; reads no image.
    /// </summary>
    public static string? Unavailable(DatasetInfo info, string? dataDir = null)
    {
        try
        {
            Files(info, train: true, dataDir);
            Files(info, train: false, dataDir);
            return null;
        }
        catch (ParadoxException e)
        {
            return e.Message;
        }
    }

    /// <summary>The files <see cref="Load"/> reads for one split; a missing one is an error naming it and the fix.</summary>
    static string[] Files(DatasetInfo info, bool train, string? dataDir) => info.Name switch
    {
        "mnist" => IdxFiles("MNIST", train, Locate(info, dataDir, RepoDataDir("mnist"))),
        "fashion-mnist" => IdxFiles("FashionMNIST", train, Locate(info, dataDir, FashionMnistPackageDir)),
        "cifar10" => Cifar10Files(train, Locate(info, dataDir, RepoDataDir("cifar10"))),
        "svhn" => [SvhnFile(train, Locate(info, dataDir, RepoDataDir("svhn")))],
        _ => throw new ParadoxException(
            $"--dataset {info.Name}: loading this dataset is not supported (supported: mnist, fashion-mnist, cifar10, svhn)"),
    };

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
            $"{info.Name}: no data directory: no Paradox.sln found above {AppContext.BaseDirectory} to locate data/{info.Name}; " +
            $"pass --data-dir or set ${DataVariable}");
    }

    static string[] IdxFiles(string displayName, bool train, DataDir dir)
    {
        string prefix = train ? "train" : "t10k";
        return [FindIdx(dir, $"{prefix}-images-idx3-ubyte", displayName), FindIdx(dir, $"{prefix}-labels-idx1-ubyte", displayName)];
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
    static string[] Cifar10Files(bool train, DataDir dir)
    {
        var files = train ? Cifar10Reader.TrainFiles : Cifar10Reader.TestFiles;
        string batches = Path.Combine(dir.Path, "cifar-10-batches-bin");
        string found = File.Exists(Path.Combine(batches, files[0])) ? batches : dir.Path;
        var paths = files.Select(f => Path.Combine(found, f)).ToArray();
        if (paths.FirstOrDefault(p => !File.Exists(p)) is { } missing)
            throw new ParadoxException(
                $"CIFAR-10 not found at {missing}: download the binary version (cifar-10-binary.tar.gz) from " +
                $"https://www.cs.toronto.edu/~kriz/cifar.html, extract it there, or {dir.Fix}");
        return paths;
    }

    /// <summary>SVHN's cropped-digits MAT files (Format 2), as distributed; the 'extra' split is not used.</summary>
    static string SvhnFile(bool train, DataDir dir)
    {
        string path = Path.Combine(dir.Path, train ? SvhnReader.TrainFile : SvhnReader.TestFile);
        if (!File.Exists(path))
            throw new ParadoxException(
                $"SVHN not found at {path}: download {SvhnReader.TrainFile} and {SvhnReader.TestFile} from " +
                $"http://ufldl.stanford.edu/housenumbers/ into that directory, or {dir.Fix}");
        return path;
    }

    /// <summary>data/&lt;name&gt; in the repository this program was built from, or null when it is not inside one.</summary>
    static string? RepoDataDir(string name) => IO.RepositoryRoot.Find() is { } root ? Path.Combine(root, "data", name) : null;
}
