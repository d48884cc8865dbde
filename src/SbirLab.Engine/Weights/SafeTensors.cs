using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Win32.SafeHandles;
using SbirLab.Core.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Weights;

/// <summary>A malformed or unsupported safetensors file; the message says what and where.</summary>
public sealed class SafeTensorsFormatException(string message) : Exception(message);

/// <summary>One tensor entry of a safetensors header: byte range relative to the start of the data section.</summary>
public sealed record SafeTensorInfo(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>Number of elements (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>The parsed header of a safetensors file.</summary>
public sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataStart);

/// <summary>How <see cref="SafeTensors.Save"/> stores floating-point tensors.</summary>
public enum SafeTensorsFloatFormat
{
    /// <summary>Each tensor in its own dtype (float32 → F32, float16 → F16, bfloat16 → BF16, float64 → F64).</summary>
    Native,

    /// <summary>All floating tensors as F32.</summary>
    F32,

    /// <summary>All floating tensors as IEEE half (round to nearest even).</summary>
    F16,

    /// <summary>All floating tensors as bfloat16 (round to nearest even).</summary>
    BF16,
}

/// <summary>
/// Our own reader and writer of the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
/// an 8-byte little-endian header length N, N bytes of JSON
/// (<c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}</c>), then the raw
/// little-endian tensor bytes. Reading turns F32, F16, BF16 and F64 into float32 tensors (what our modules hold)
/// and keeps integer and bool dtypes (e.g. I64 <c>num_batches_tracked</c>). Every structural problem is reported
/// as a <see cref="SafeTensorsFormatException"/> naming the tensor or field. Tensors over 2 GiB are not supported.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderLength = 100L * 1024 * 1024;
    private const string MetadataKey = "__metadata__";

    private static readonly Dictionary<string, ScalarType> DTypes = new(StringComparer.Ordinal)
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16,
        ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte,
        ["BOOL"] = ScalarType.Bool,
    };

    /// <summary>Reads and validates the header only.</summary>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return ReadHeader(handle, path);
    }

    /// <summary>Loads every tensor on the CPU; floating dtypes become float32.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var header = ReadHeader(handle, path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var info in header.Tensors)
            {
                result[info.Name] = ReadTensor(handle, header.DataStart, info);
            }
        }
        catch
        {
            foreach (var tensor in result.Values)
            {
                tensor.Dispose();
            }

            throw;
        }

        return result;
    }

    /// <summary>Writes the tensors (in the given order) with optional string metadata.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        SafeTensorsFloatFormat floats = SafeTensorsFloatFormat.Native, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var blobs = new List<(string Name, string DType, long[] Shape, byte[] Bytes)>();
        foreach (var (name, tensor) in tensors)
        {
            if (name == MetadataKey)
            {
                throw new ArgumentException($"'{MetadataKey}' is reserved for metadata.", nameof(tensors));
            }

            var (dtype, bytes) = Encode(tensor, floats);
            blobs.Add((name, dtype, tensor.shape, bytes));
        }

        var headerBytes = HeaderJson(blobs.Select(b => (b.Name, b.DType, b.Shape, (long)b.Bytes.Length)), metadata);
        AtomicFile.Write(path, stream => // a checkpoint or weights file appears whole, or not at all
        {
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
            stream.Write(length);
            stream.Write(headerBytes);
            foreach (var blob in blobs)
            {
                stream.Write(blob.Bytes);
            }
        });
    }

    private static SafeTensorsHeader ReadHeader(SafeFileHandle handle, string path)
    {
        var fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8)
        {
            throw new SafeTensorsFormatException($"{path}: {fileLength} bytes is too short for a safetensors file (8-byte header length missing).");
        }

        Span<byte> prefix = stackalloc byte[8];
        RandomAccess.Read(handle, prefix, 0);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - 8) || headerLength > MaxHeaderLength)
        {
            // The length is not quoted: for a file that is not safetensors at all it is just its first 8 bytes.
            throw new SafeTensorsFormatException(
                $"{path}: not a safetensors file (its 8-byte header length exceeds the file's {fileLength - 8} bytes after the length field or the 100 MiB limit).");
        }

        var json = new byte[headerLength];
        RandomAccess.Read(handle, json, 8);
        var dataStart = 8 + (long)headerLength;
        var (tensors, metadata) = ParseHeader(json, path);
        ValidateRanges(tensors, fileLength - dataStart, path);
        return new SafeTensorsHeader(tensors, metadata, dataStart);
    }

    private static (List<SafeTensorInfo>, Dictionary<string, string>) ParseHeader(byte[] json, string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                ?? throw new SafeTensorsFormatException($"{path}: header is not a JSON object.");
        }
        catch (JsonException e)
        {
            // Position only: the parser's own message quotes the offending character of the file.
            throw new SafeTensorsFormatException($"{path}: not a safetensors file (header is not valid JSON at byte {e.BytePositionInLine} of line {e.LineNumber + 1}).");
        }

        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in root)
        {
            if (name == MetadataKey)
            {
                ReadMetadata(node, metadata, path);
            }
            else
            {
                tensors.Add(ParseEntry(name, node, path));
            }
        }

        return (tensors, metadata);
    }

    private static void ReadMetadata(JsonNode? node, Dictionary<string, string> metadata, string path)
    {
        if (node is not JsonObject fields)
        {
            throw new SafeTensorsFormatException($"{path}: '{MetadataKey}' must be an object of strings.");
        }

        foreach (var (key, value) in fields)
        {
            metadata[key] = value is JsonValue v && v.TryGetValue<string>(out var text)
                ? text
                : throw new SafeTensorsFormatException($"{path}: metadata '{key}' is not a string.");
        }
    }

    private static SafeTensorInfo ParseEntry(string name, JsonNode? node, string path)
    {
        SafeTensorsFormatException Fail(string what) => new($"{path}: tensor '{name}': {what}.");
        if (node is not JsonObject entry)
        {
            throw Fail("entry is not an object");
        }

        if (entry["dtype"] is not JsonValue dtypeNode || !dtypeNode.TryGetValue<string>(out var dtype))
        {
            throw Fail("missing string 'dtype'");
        }

        if (!DTypes.ContainsKey(dtype))
        {
            throw Fail($"unsupported dtype '{dtype}' (supported: {string.Join(", ", DTypes.Keys)})");
        }

        var shape = LongArray(entry["shape"]) ?? throw Fail("missing integer array 'shape'");
        if (shape.Any(s => s < 0))
        {
            throw Fail("negative dimension in 'shape'");
        }

        var offsets = LongArray(entry["data_offsets"]);
        if (offsets is not { Length: 2 })
        {
            throw Fail("'data_offsets' must be [begin, end]");
        }

        return new SafeTensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[]? LongArray(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            return null;
        }

        var values = new long[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue v || !v.TryGetValue<long>(out values[i]))
            {
                return null;
            }
        }

        return values;
    }

    private static void ValidateRanges(List<SafeTensorInfo> tensors, long dataLength, string path)
    {
        foreach (var info in tensors)
        {
            var expected = info.ElementCount * ElementSize(DTypes[info.DType]);
            if (info.Begin < 0 || info.End < info.Begin || info.End > dataLength)
            {
                throw new SafeTensorsFormatException(
                    $"{path}: tensor '{info.Name}': data_offsets [{info.Begin}, {info.End}] outside the {dataLength}-byte data section.");
            }

            if (info.End - info.Begin != expected)
            {
                throw new SafeTensorsFormatException(
                    $"{path}: tensor '{info.Name}': {info.End - info.Begin} bytes but {info.DType} [{string.Join(", ", info.Shape)}] needs {expected}.");
            }
        }

        var sorted = tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Begin < sorted[i - 1].End)
            {
                throw new SafeTensorsFormatException($"{path}: tensors '{sorted[i - 1].Name}' and '{sorted[i].Name}' overlap.");
            }
        }
    }

    private static Tensor ReadTensor(SafeFileHandle handle, long dataStart, SafeTensorInfo info)
    {
        var length = info.End - info.Begin;
        if (length > int.MaxValue)
        {
            throw new SafeTensorsFormatException($"tensor '{info.Name}' is larger than 2 GiB, which this reader does not support.");
        }

        var dtype = DTypes[info.DType];
        var raw = empty([.. info.Shape], dtype);
        var target = raw.bytes;
        var read = 0;
        while (read < length)
        {
            var n = RandomAccess.Read(handle, target[read..], dataStart + info.Begin + read);
            if (n <= 0)
            {
                raw.Dispose();
                throw new SafeTensorsFormatException($"tensor '{info.Name}': file ended inside its data.");
            }

            read += n;
        }

        if (!raw.is_floating_point() || dtype == ScalarType.Float32)
        {
            return raw;
        }

        using (raw)
        {
            return raw.to_type(ScalarType.Float32);
        }
    }

    /// <summary>The dtype name and the little-endian bytes of a tensor as it will be stored.</summary>
    private static (string DType, byte[] Bytes) Encode(Tensor tensor, SafeTensorsFloatFormat floats)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors writing assumes a little-endian machine.");
        }

        var target = tensor.is_floating_point() ? FloatTarget(tensor.dtype, floats) : tensor.dtype;
        var dtype = DTypes.FirstOrDefault(p => p.Value == target).Key
            ?? throw new ArgumentException($"dtype {tensor.dtype} cannot be stored in safetensors by this writer.");
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().cpu().to_type(target).contiguous();
        return (dtype, cpu.bytes.ToArray());
    }

    private static ScalarType FloatTarget(ScalarType own, SafeTensorsFloatFormat floats) => floats switch
    {
        SafeTensorsFloatFormat.F32 => ScalarType.Float32,
        SafeTensorsFloatFormat.F16 => ScalarType.Float16,
        SafeTensorsFloatFormat.BF16 => ScalarType.BFloat16,
        _ => own,
    };

    /// <summary>The JSON header padded with spaces to a multiple of 8 bytes, as the reference writer does.</summary>
    private static byte[] HeaderJson(IEnumerable<(string Name, string DType, long[] Shape, long Length)> entries,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var root = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata)
            {
                meta[key] = value;
            }

            root[MetadataKey] = meta;
        }

        long offset = 0;
        foreach (var (name, dtype, shape, length) in entries)
        {
            root[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + length),
            };
            offset += length;
        }

        var json = root.ToJsonString();
        var padded = json.PadRight(json.Length + ((8 - (Encoding.UTF8.GetByteCount(json) % 8)) % 8));
        return Encoding.UTF8.GetBytes(padded);
    }

    /// <summary>Bytes per element of a dtype.</summary>
    internal static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new NotSupportedException($"Unknown element size of {type}."),
    };
}
