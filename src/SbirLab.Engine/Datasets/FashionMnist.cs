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

    /// <summary>
    /// Opens an IDX file (gzip or not) and reads its header. The body is then read straight into an array of its
    /// exact size: reading the whole file first held three copies of the 47 MB training images at once, which the
    /// GC gave back to the system only much later (the training's peak memory counted them).
    /// </summary>
    private static Stream OpenIdx(string path, int magic, int headerBytes, out byte[] header)
    {
        var file = File.OpenRead(path);
        Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        header = new byte[headerBytes];
        int read = stream.ReadAtLeast(header, headerBytes, throwOnEndOfStream: false);
        if (read < 8 || BinaryPrimitives.ReadInt32BigEndian(header) != magic)
        {
            stream.Dispose();
            throw new InvalidDataException($"{path}: not an IDX file (magic number 0x{magic:x8} expected)");
        }
        if (read < headerBytes)
        {
            stream.Dispose();
            throw new InvalidDataException($"{path}: truncated");
        }
        return stream;
    }

    private static byte[] ReadBody(Stream stream, long length, string path)
    {
        if (length < 0 || length > Array.MaxLength) throw new InvalidDataException($"{path}: a header of {length} data bytes is not an IDX file of images");
        var body = new byte[length];
        int read = stream.ReadAtLeast(body, body.Length, throwOnEndOfStream: false);
        if (read < body.Length) throw new InvalidDataException($"{path}: truncated ({read} of its {length} data bytes)");
        return body;
    }

    private static (byte[] Images, int Count, int Height, int Width) ReadImages(string path)
    {
        using var stream = OpenIdx(path, 0x00000803, 16, out var header);
        int count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        int height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8));
        int width = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(12));
        return (ReadBody(stream, (long)count * height * width, path), count, height, width);
    }

    private static long[] ReadLabels(string path)
    {
        using var stream = OpenIdx(path, 0x00000801, 8, out var header);
        int count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        var bytes = ReadBody(stream, count, path);
        var labels = new long[count];
        for (int i = 0; i < count; i++) labels[i] = bytes[i];
        return labels;
    }
}
