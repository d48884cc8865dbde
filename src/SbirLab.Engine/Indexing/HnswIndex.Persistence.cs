using System.Runtime.InteropServices;
using System.Text;
using SbirLab.Core.Runs;

namespace SbirLab.Engine.Indexing;

/// <summary>
/// Binary file format of <see cref="HnswIndex"/>, version 1. All numbers little-endian.
/// <code>
/// bytes 0–7    magic "SBLHNSW\0"
/// int32        format version (1)
/// int32        dimension D
/// int32        metric (0 = squared L2, 1 = inner product)
/// int32        M
/// int32        efConstruction
/// int32        efSearch
/// int32        seed
/// int32        count N
/// int32        entry point id (−1 when N = 0)
/// int32        max level (−1 when N = 0)
/// float32[N·D] vectors, row by row in id order
/// per node, in id order:
///   int32      level L
///   per layer 0..L:  int32 link count c, then int32[c] neighbour ids
/// </code>
/// The graph is stored exactly, so a loaded index answers every query as the saved one did.
/// </summary>
public sealed partial class HnswIndex
{
    /// <summary>Current version of the binary format written by <see cref="Save(Stream)"/>.</summary>
    public const int FormatVersion = 1;

    private const int VectorsPerChunk = 4096;
    private static readonly byte[] Magic = "SBLHNSW\0"u8.ToArray();

    /// <summary>Writes the index (options, vectors and graph) to <paramref name="stream"/>; leaves it open.</summary>
    public void Save(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        foreach (int value in (int[])[FormatVersion, Dimension, (int)Metric, Options.M, Options.EfConstruction, Options.EfSearch, Options.Seed, Count, _entryPoint, MaxLevel])
        {
            writer.Write(value);
        }

        WriteVectors(writer);
        for (int id = 0; id < Count; id++)
        {
            writer.Write(_levels[id]);
            for (int layer = 0; layer <= _levels[id]; layer++)
            {
                WriteInts(writer, Links(id, layer), withCount: true);
            }
        }
    }

    /// <summary>Saves to a file, replacing it at once (<see cref="AtomicFile"/>: a searcher never opens half an index).</summary>
    public void Save(string path) => AtomicFile.Write(path, Save);

    /// <summary>Reads an index written by <see cref="Save(Stream)"/>; throws <see cref="InvalidDataException"/> on a bad file.</summary>
    public static HnswIndex Load(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not an SbirLab HNSW index (bad magic).");
        }

        int version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Unsupported HNSW format version {version}; this build reads {FormatVersion}.");
        }

        int dimension = reader.ReadInt32();
        var options = new HnswOptions
        {
            Metric = (DistanceMetric)reader.ReadInt32(),
            M = reader.ReadInt32(),
            EfConstruction = reader.ReadInt32(),
            EfSearch = reader.ReadInt32(),
            Seed = reader.ReadInt32(),
        };
        int count = reader.ReadInt32();
        int entryPoint = reader.ReadInt32();
        int maxLevel = reader.ReadInt32();
        Check(dimension > 0 && count >= 0, "bad dimension or count");
        Check(count == 0 ? entryPoint == -1 && maxLevel == -1 : (uint)entryPoint < (uint)count && maxLevel >= 0, "bad entry point");

        HnswIndex index;
        try
        {
            index = new HnswIndex(dimension, options);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Corrupt HNSW index: {e.Message}", e);
        }

        try
        {
            index.ReadVectors(reader, count);
            index.ReadGraph(reader, count);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Corrupt HNSW index: the file ends early.", e);
        }

        index.CheckLinksReachTheirLayers(count);
        Check(count == 0 || index._levels[entryPoint] == maxLevel, "entry point is not on the top level");
        (index._entryPoint, index.MaxLevel) = (entryPoint, maxLevel);
        return index;
    }

    /// <summary>Loads an index from a file.</summary>
    public static HnswIndex Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    private void WriteVectors(BinaryWriter writer)
    {
        for (int start = 0; start < Count; start += VectorsPerChunk)
        {
            int vectors = Math.Min(VectorsPerChunk, Count - start);
            var chunk = _store.RawData.AsSpan(start * Dimension, vectors * Dimension);
            if (BitConverter.IsLittleEndian)
            {
                writer.Write(MemoryMarshal.AsBytes(chunk));
            }
            else
            {
                foreach (float value in chunk)
                {
                    writer.Write(value);
                }
            }
        }
    }

    private static void WriteInts(BinaryWriter writer, ReadOnlySpan<int> values, bool withCount)
    {
        if (withCount)
        {
            writer.Write(values.Length);
        }

        foreach (int value in values)
        {
            writer.Write(value);
        }
    }

    private void ReadVectors(BinaryReader reader, int count)
    {
        var chunk = new float[Math.Min(VectorsPerChunk, Math.Max(count, 1)) * Dimension];
        for (int start = 0; start < count; start += VectorsPerChunk)
        {
            int vectors = Math.Min(VectorsPerChunk, count - start);
            var values = chunk.AsSpan(0, vectors * Dimension);
            if (BitConverter.IsLittleEndian)
            {
                reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values));
            }
            else
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = reader.ReadSingle();
                }
            }

            _store.AddFlat(values, vectors);
        }
    }

    private void ReadGraph(BinaryReader reader, int count)
    {
        EnsureGraphCapacity(count);
        for (int id = 0; id < count; id++)
        {
            int level = reader.ReadInt32();
            Check(level is >= 0 and <= LevelCap, $"bad level of node {id}");
            _levels[id] = level;
            _upperLinks[id] = level > 0 ? new int[level * (_maxLinks + 1)] : null;
            for (int layer = 0; layer <= level; layer++)
            {
                ReadLinks(reader, id, layer, count);
            }
        }
    }

    private void ReadLinks(BinaryReader reader, int id, int layer, int count)
    {
        var block = LinkBlock(id, layer);
        int links = reader.ReadInt32();
        Check(links >= 0 && links < block.Length, $"too many links at node {id}, layer {layer}");
        block[0] = links;
        for (int i = 1; i <= links; i++)
        {
            block[i] = reader.ReadInt32();
            Check((uint)block[i] < (uint)count, $"link out of range at node {id}");
        }
    }

    private void CheckLinksReachTheirLayers(int count)
    {
        for (int id = 0; id < count; id++)
        {
            for (int layer = 1; layer <= _levels[id]; layer++)
            {
                foreach (int neighbour in Links(id, layer))
                {
                    Check(_levels[neighbour] >= layer, $"node {id} links on layer {layer} to node {neighbour} below it");
                }
            }
        }
    }

    private static void Check(bool condition, string problem)
    {
        if (!condition)
        {
            throw new InvalidDataException($"Corrupt HNSW index: {problem}.");
        }
    }
}
