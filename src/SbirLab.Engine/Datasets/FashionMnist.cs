using System.Buffers.Binary;
using System.IO.Compression;

namespace SbirLab.Engine.Datasets;

/// <summary>One split of FashionMNIST: 28×28 grey images (row-major bytes) and their class labels.</summary>
public sealed record FashionMnistSplit(byte[] Images, long[] Labels, int Count, int Height, int Width)
{
    public ReadOnlySpan<byte> Image(int index) => Images.AsSpan(index * Height * Width, Height * Width);
}

/// <summary>
/// Reads FashionMNIST's IDX files (gzip or not) from a folder; by default where Debian's
/// <c>dataset-fashion-mnist</c> package installs them.
/// </summary>
public static class FashionMnist
{
    public const string DefaultFolder = Core.Configs.BuiltInDatasets.FashionMnistDefaultFolder;

    /// <summary>Environment variable that points at another folder holding the IDX files.</summary>
    public const string FolderVariable = Core.Configs.BuiltInDatasets.FashionMnistVariable;

    public static readonly string[] ClassNames =
        ["t-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    public static string ResolveFolder(string? folder) => Core.Configs.BuiltInDatasets.FashionMnistFolder(folder);

    /// <summary>Reads "train" (60,000 images) or "test" (10,000 images).</summary>
    public static FashionMnistSplit Load(string split, string? folder = null)
    {
        string root = ResolveFolder(folder);
        string prefix = split switch
        {
            "train" => "train",
            "test" => "t10k",
            _ => throw new ArgumentException($"split must be train or test, not '{split}'", nameof(split)),
        };
        var (images, count, height, width) = ReadImages(Find(root, $"{prefix}-images-idx3-ubyte"));
        var labels = ReadLabels(Find(root, $"{prefix}-labels-idx1-ubyte"));
        if (labels.Length != count)
            throw new InvalidDataException($"{root}: {count} images but {labels.Length} labels in the {split} split");
        return new FashionMnistSplit(images, labels, count, height, width);
    }

    private static string Find(string root, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            string path = Path.Combine(root, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException(
            $"FashionMNIST file {name}[.gz] not found in {root}. Install it with 'sudo apt-get install dataset-fashion-mnist' " +
            $"(it goes to {DefaultFolder}), or point data.root or the {FolderVariable} environment variable at a folder " +
            "holding the four IDX files from the FashionMNIST release.");
    }

    private static byte[] ReadAll(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static (byte[] Images, int Count, int Height, int Width) ReadImages(string path)
    {
        var bytes = ReadAll(path);
        CheckMagic(bytes, 0x00000803, path);
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        long expected = 16L + (long)count * height * width;
        if (bytes.Length < expected) throw new InvalidDataException($"{path}: truncated ({bytes.Length} bytes, expected {expected})");
        return (bytes.AsSpan(16, count * height * width).ToArray(), count, height, width);
    }

    private static long[] ReadLabels(string path)
    {
        var bytes = ReadAll(path);
        CheckMagic(bytes, 0x00000801, path);
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (bytes.Length < 8 + count) throw new InvalidDataException($"{path}: truncated");
        var labels = new long[count];
        for (int i = 0; i < count; i++) labels[i] = bytes[8 + i];
        return labels;
    }

    private static void CheckMagic(byte[] bytes, int magic, string path)
    {
        if (bytes.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(bytes) != magic)
            throw new InvalidDataException($"{path}: not an IDX file (magic number 0x{magic:x8} expected)");
    }
}
