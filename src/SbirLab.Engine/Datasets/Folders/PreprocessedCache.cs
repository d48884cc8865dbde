using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using SbirLab.Engine.Imaging;

namespace SbirLab.Engine.Datasets.Folders;

/// <summary>How a <see cref="PreprocessedCache"/> reads its records.</summary>
public enum CacheReadMode
{
    /// <summary>Map the file into memory and copy records from the mapping (no system call per image).</summary>
    MemoryMapped,

    /// <summary>Positional reads (pread) from the file; pages stay in the OS page cache, not in the process's mapping.</summary>
    PositionalRead,
}

/// <summary>Options for building and opening a <see cref="PreprocessedCache"/>.</summary>
public sealed record CacheBuildOptions
{
    /// <summary>Decoding threads while building.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Receives the number of source images processed so far while building.</summary>
    public IProgress<int>? Progress { get; init; }

    /// <summary>How records are read after opening.</summary>
    public CacheReadMode ReadMode { get; init; } = CacheReadMode.MemoryMapped;
}

/// <summary>A source image that could not be decoded while building, by its index in the source list.</summary>
public sealed record SkippedImage(int SourceIndex, string Error);

/// <summary>
/// Every image of a dataset decoded ONCE to a fixed-size uint8 C×S×S record in one binary file, then read back
/// through a memory mapping, so later epochs never decode again and the process's private memory does not grow
/// with the set. Built in parallel; unreadable images are skipped and counted in the header. A cache file is
/// reused when its key (SHA-256 of the file list, labels and preprocessing options) matches; the file contents
/// themselves are not hashed, so delete the cache after editing images in place.
/// </summary>
/// <remarks>
/// File layout (little-endian): a 4 KiB header (magic, version, channels, size, source count, readable count,
/// table offset, key), then one record slot per source image (slots of skipped images stay zero), then the
/// table: readable source indices (int32), labels of all sources (int32), and the skip reasons as UTF-8 text.
/// The file is written under a temporary name and renamed, so a crash never leaves a half cache with a valid key.
/// Reading is thread-safe; do not dispose while other threads read.
/// </remarks>
public sealed unsafe class PreprocessedCache : IDisposable
{
    private const int HeaderLength = 4096;
    private const int Version = 1;
    private static readonly byte[] Magic = "SBIRCACH"u8.ToArray();

    private readonly int[] _sourceIndices;
    private readonly int[] _labels;
    private readonly SafeFileHandle? _handle;
    private readonly MemoryMappedFile? _mapping;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private bool _disposed;

    private PreprocessedCache(string path, CacheHeader header, CacheTable table, bool reused, CacheReadMode mode)
    {
        FilePath = path;
        Key = Convert.ToHexString(header.Key);
        Channels = header.Channels;
        Size = header.Size;
        SourceCount = header.SourceCount;
        Reused = reused;
        ReadMode = mode;
        _sourceIndices = table.SourceIndices;
        _labels = table.SourceIndices.Select(i => table.SourceLabels[i]).ToArray();
        Skipped = table.Skipped;
        if (mode == CacheReadMode.MemoryMapped)
        {
            (_mapping, _view) = Map(path);
            _base = AcquirePointer(_view);
        }
        else
        {
            _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    /// <summary>Hex SHA-256 identifying the file list and options the cache was built from.</summary>
    public string Key { get; }

    /// <summary>Channels per record.</summary>
    public int Channels { get; }

    /// <summary>Side length of each record.</summary>
    public int Size { get; }

    /// <summary>Bytes per record: C × S × S.</summary>
    public int RecordLength => Channels * Size * Size;

    /// <summary>Readable images; indices 0..Count−1 address them in source order.</summary>
    public int Count => _sourceIndices.Length;

    /// <summary>Images in the source list.</summary>
    public int SourceCount { get; }

    /// <summary>Source images that could not be decoded.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>Number of skipped source images.</summary>
    public int SkippedCount => Skipped.Count;

    /// <summary>True when an existing cache file was opened, false when it was built by this call.</summary>
    public bool Reused { get; }

    /// <summary>How records are read.</summary>
    public CacheReadMode ReadMode { get; }

    /// <summary>Labels of the readable images, in index order.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>The label of readable image <paramref name="index"/>.</summary>
    public int GetLabel(int index) => _labels[index];

    /// <summary>The position in the source list of readable image <paramref name="index"/>.</summary>
    public int GetSourceIndex(int index) => _sourceIndices[index];

    /// <summary>
    /// Opens the cache at <paramref name="cachePath"/> if its key matches the items and options; otherwise decodes
    /// and preprocesses every item (in parallel) into a new cache file there, then opens it. Records are CHW
    /// whatever <see cref="PreprocessOptions.Layout"/> says.
    /// </summary>
    public static PreprocessedCache OpenOrBuild(string cachePath, IReadOnlyList<LabelledImage> items, PreprocessOptions options,
        CacheBuildOptions? build = null, CancellationToken cancellationToken = default)
    {
        build ??= new CacheBuildOptions();
        options = options with { Layout = PixelLayout.Chw };
        options.Validate();
        var key = ComputeKey(items, options);
        if (TryOpen(cachePath, key, build.ReadMode) is { } existing)
        {
            return existing;
        }

        Build(cachePath, items, options, key, build, cancellationToken);
        return TryOpen(cachePath, key, build.ReadMode, reused: false)
            ?? throw new InvalidDataException($"Cache '{cachePath}' could not be read back after building.");
    }

    /// <summary>SHA-256 of the options fingerprint and every (path, label) pair in order.</summary>
    public static byte[] ComputeKey(IReadOnlyList<LabelledImage> items, PreprocessOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"sbirlab-cache-v{Version}\n{options.Fingerprint}\n"));
        foreach (var item in items)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{item.Path}\t{item.Label}\n"));
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Copies readable image <paramref name="index"/> (C×S×S bytes) into <paramref name="destination"/>.</summary>
    public void GetImage(int index, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        if (destination.Length < RecordLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {RecordLength} needed.", nameof(destination));
        }

        var offset = RecordOffset(_sourceIndices[index], RecordLength);
        if (_base is not null)
        {
            new ReadOnlySpan<byte>(_base + offset, RecordLength).CopyTo(destination);
        }
        else
        {
            ReadExactly(_handle!, destination[..RecordLength], offset);
        }
    }

    /// <summary>Copies the images at <paramref name="indices"/> back to back into <paramref name="destination"/>.</summary>
    public void GetBatch(ReadOnlySpan<int> indices, Span<byte> destination)
    {
        for (var i = 0; i < indices.Length; i++)
        {
            GetImage(indices[i], destination.Slice(i * RecordLength, RecordLength));
        }
    }

    /// <summary>Unmaps and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _mapping?.Dispose();
        _handle?.Dispose();
    }

    private static long RecordOffset(int slot, int recordLength) => HeaderLength + ((long)slot * recordLength);

    private static PreprocessedCache? TryOpen(string path, byte[] key, CacheReadMode mode, bool reused = true)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            var header = CacheHeader.Read(handle);
            if (header is null || !header.Key.AsSpan().SequenceEqual(key))
            {
                return null;
            }

            var table = CacheTable.Read(handle, header);
            return table is null ? null : new PreprocessedCache(path, header, table, reused, mode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    private static void Build(string path, IReadOnlyList<LabelledImage> items, PreprocessOptions options, byte[] key,
        CacheBuildOptions build, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        try
        {
            using (var handle = File.OpenHandle(temporary, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                var errors = WriteRecords(handle, items, options, build, cancellationToken);
                var readable = Enumerable.Range(0, items.Count).Where(i => errors[i] is null).ToArray();
                var skipped = readable.Length == items.Count ? [] : Enumerable.Range(0, items.Count)
                    .Where(i => errors[i] is not null).Select(i => new SkippedImage(i, errors[i]!)).ToList();
                var tableOffset = RecordOffset(items.Count, options.OutputLength);
                var table = new CacheTable(readable, items.Select(i => i.Label).ToArray(), skipped);
                RandomAccess.Write(handle, table.ToBytes(), tableOffset);
                var header = new CacheHeader(options.Channels, options.Size, items.Count, readable.Length, tableOffset, key);
                RandomAccess.Write(handle, header.ToBytes(), 0);
                RandomAccess.FlushToDisk(handle);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Decodes every item into its slot in parallel; returns the error of each unreadable item (null when fine).</summary>
    private static string?[] WriteRecords(SafeFileHandle handle, IReadOnlyList<LabelledImage> items, PreprocessOptions options,
        CacheBuildOptions build, CancellationToken cancellationToken)
    {
        var preprocessor = new ImagePreprocessor(options);
        var length = options.OutputLength;
        RandomAccess.SetLength(handle, RecordOffset(items.Count, length));
        var errors = new string?[items.Count];
        var done = 0;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, build.MaxDegreeOfParallelism),
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, items.Count, parallel, () => new byte[length], (i, _, buffer) =>
        {
            if (preprocessor.TryProcessFile(items[i].Path, buffer, out var error))
            {
                RandomAccess.Write(handle, buffer, RecordOffset(i, length));
            }
            else
            {
                errors[i] = error ?? "unreadable";
            }

            build.Progress?.Report(Interlocked.Increment(ref done));
            return buffer;
        }, _ => { });
        return errors;
    }

    private static (MemoryMappedFile, MemoryMappedViewAccessor) Map(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        var mapping = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        return (mapping, mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read));
    }

    private static byte* AcquirePointer(MemoryMappedViewAccessor view)
    {
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        return pointer + view.PointerOffset;
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(handle, destination, offset);
            if (read <= 0)
            {
                throw new EndOfStreamException("Cache file ended inside a record.");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    /// <summary>The fixed header at the start of a cache file.</summary>
    private sealed record CacheHeader(int Channels, int Size, int SourceCount, int ReadableCount, long TableOffset, byte[] Key)
    {
        public byte[] ToBytes()
        {
            var bytes = new byte[HeaderLength];
            Magic.CopyTo(bytes, 0);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), Version);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), Channels);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), Size);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), SourceCount);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), ReadableCount);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(28), TableOffset);
            Key.CopyTo(bytes, 36);
            return bytes;
        }

        /// <summary>Null when the file is not a complete cache of this version.</summary>
        public static CacheHeader? Read(SafeFileHandle handle)
        {
            var bytes = new byte[HeaderLength];
            if (RandomAccess.GetLength(handle) < HeaderLength || RandomAccess.Read(handle, bytes, 0) != HeaderLength)
            {
                return null;
            }

            if (!bytes.AsSpan(0, 8).SequenceEqual(Magic) || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)) != Version)
            {
                return null;
            }

            var header = new CacheHeader(
                BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)),
                BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16)),
                BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20)),
                BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)),
                BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(28)),
                bytes.AsSpan(36, 32).ToArray());
            var expectedTable = RecordOffset(header.SourceCount, header.Channels * header.Size * header.Size);
            return header.TableOffset == expectedTable && RandomAccess.GetLength(handle) > expectedTable ? header : null;
        }
    }

    /// <summary>The table after the records: readable indices, all labels, skip reasons.</summary>
    private sealed record CacheTable(int[] SourceIndices, int[] SourceLabels, IReadOnlyList<SkippedImage> Skipped)
    {
        public byte[] ToBytes()
        {
            var reasons = Encoding.UTF8.GetBytes(string.Concat(Skipped.Select(s => $"{s.SourceIndex}\t{Sanitise(s.Error)}\n")));
            var bytes = new byte[4 * (SourceIndices.Length + SourceLabels.Length + 1) + reasons.Length];
            var span = bytes.AsSpan();
            WriteInts(span, SourceIndices);
            WriteInts(span[(4 * SourceIndices.Length)..], SourceLabels);
            BinaryPrimitives.WriteInt32LittleEndian(span[(4 * (SourceIndices.Length + SourceLabels.Length))..], reasons.Length);
            reasons.CopyTo(span[(4 * (SourceIndices.Length + SourceLabels.Length + 1))..]);
            return bytes;
        }

        public static CacheTable? Read(SafeFileHandle handle, CacheHeader header)
        {
            var length = RandomAccess.GetLength(handle) - header.TableOffset;
            var fixedLength = 4L * (header.ReadableCount + header.SourceCount + 1);
            if (length < fixedLength || length > int.MaxValue)
            {
                return null;
            }

            var bytes = new byte[length];
            if (RandomAccess.Read(handle, bytes, header.TableOffset) != length)
            {
                return null;
            }

            var indices = ReadInts(bytes, 0, header.ReadableCount);
            var labels = ReadInts(bytes, 4 * header.ReadableCount, header.SourceCount);
            var reasonLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)fixedLength - 4));
            if (reasonLength != length - fixedLength || indices.Any(i => (uint)i >= (uint)header.SourceCount))
            {
                return null;
            }

            var reasons = Encoding.UTF8.GetString(bytes, (int)fixedLength, reasonLength);
            return new CacheTable(indices, labels, ParseReasons(reasons));
        }

        private static List<SkippedImage> ParseReasons(string text) =>
            text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('\t', 2))
                .Select(parts => new SkippedImage(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts.Length > 1 ? parts[1] : ""))
                .ToList();

        private static string Sanitise(string error) => error.Replace('\n', ' ').Replace('\t', ' ');

        private static void WriteInts(Span<byte> span, int[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[(4 * i)..], values[i]);
            }
        }

        private static int[] ReadInts(byte[] bytes, int start, int count)
        {
            var values = new int[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(start + (4 * i)));
            }

            return values;
        }
    }
}
