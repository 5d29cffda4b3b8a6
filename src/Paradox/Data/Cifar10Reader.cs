using static TorchSharp.torch;

namespace Paradox.Data;

/// <summary>
/// Reads the binary version of CIFAR-10 (data_batch_1.bin .. data_batch_5.bin, test_batch.bin): each record is
/// one label byte followed by 3072 pixel bytes, channel by channel (CHW), rows top to bottom.
/// </summary>
public static class Cifar10Reader
{
    const int PixelsPerRecord = 3 * 32 * 32;
    const int RecordSize = 1 + PixelsPerRecord;

    public static IReadOnlyList<string> TrainFiles { get; } = [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin")];
    public static IReadOnlyList<string> TestFiles { get; } = ["test_batch.bin"];

    /// <summary>Reads the given batch files, in order, into one dataset whose <see cref="LabeledImages.Source"/> is
    /// <paramref name="source"/>.</summary>
    public static LabeledImages Read(IReadOnlyList<string> paths, string source)
    {
        using var scope = NewDisposeScope();
        var images = new List<Tensor>();
        var labels = new List<Tensor>();
        foreach (var path in paths)
        {
            var records = ReadRecords(path);
            images.Add(records.narrow(1, 1, PixelsPerRecord).reshape(-1, 3, 32, 32).to(ScalarType.Float32).div_(255f));
            labels.Add(records.select(1, 0).to(ScalarType.Int64));
        }
        // The constructor takes the two results out of the scope; the per-file pieces are freed with it.
        return new LabeledImages(cat(images, 0), cat(labels, 0), DatasetInfo.Cifar10, source);
    }

    /// <summary>One file's records as a uint8 tensor [N, 3073].</summary>
    static Tensor ReadRecords(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParadoxException($"{path}: cannot read CIFAR-10 batch file: {e.Message}", e);
        }
        if (bytes.Length == 0 || bytes.Length % RecordSize != 0)
            throw new ParadoxException($"{path}: not a CIFAR-10 binary batch: its size {bytes.Length} is not a positive multiple of " +
                $"{RecordSize} bytes (1 label + {PixelsPerRecord} pixels per record)");

        int count = bytes.Length / RecordSize;
        for (int r = 0; r < count; r++)
        {
            byte label = bytes[(long)r * RecordSize];
            if (label >= DatasetInfo.Cifar10.Classes)
                throw new ParadoxException(
                    $"{path}: label {label} of record {r} is not below the {DatasetInfo.Cifar10.Classes} classes of cifar10");
        }
        return tensor(bytes, [count, RecordSize]);
    }
}
