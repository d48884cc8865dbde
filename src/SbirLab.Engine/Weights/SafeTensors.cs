using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace SbirLab.Engine.Weights;

/// <summary>
/// Our own reader and writer of the safetensors format: an 8-byte little-endian header length, a JSON
/// header {name: {dtype, shape, data_offsets}, "__metadata__": {...}}, then the raw little-endian data.
/// Float types (F32, F16, BF16, F64) load as float32; I64 and I32 load as int64.
/// </summary>
public static class SafeTensors
{
    public sealed record Contents(Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata);

    public static Contents Read(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Read(lengthBytes) != 8) throw Bad(path, "shorter than its 8-byte header length");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > 100_000_000 || headerLength > stream.Length - 8)
            throw Bad(path, $"header length {headerLength} does not fit a {stream.Length}-byte file");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        JsonObject header;
        try { header = JsonNode.Parse(headerBytes)?.AsObject() ?? throw Bad(path, "empty header"); }
        catch (JsonException e) { throw Bad(path, "header is not JSON: " + e.Message); }
        long dataStart = 8 + headerLength;
        var tensors = new Dictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject()) metadata[k] = v?.GetValue<string>() ?? "";
                continue;
            }
            tensors[name] = ReadTensor(stream, path, name, node!.AsObject(), dataStart);
        }
        return new Contents(tensors, metadata);
    }

    private static Tensor ReadTensor(FileStream stream, string path, string name, JsonObject entry, long dataStart)
    {
        string dtype = entry["dtype"]?.GetValue<string>() ?? throw Bad(path, $"{name}: no dtype");
        long[] shape = entry["shape"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
        var offsets = entry["data_offsets"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int width = ElementSize(dtype) ?? throw Bad(path, $"{name}: unsupported dtype {dtype}");
        if (offsets.Length != 2 || offsets[1] - offsets[0] != count * width || dataStart + offsets[1] > stream.Length)
            throw Bad(path, $"{name}: data_offsets [{string.Join(", ", offsets)}] do not match shape [{string.Join(", ", shape)}] of {dtype}");
        var bytes = new byte[count * width];
        stream.Position = dataStart + offsets[0];
        stream.ReadExactly(bytes);
        return dtype switch
        {
            "F32" => tensor(Convert(bytes, 4, b => BinaryPrimitives.ReadSingleLittleEndian(b)), shape),
            "F64" => tensor(Convert(bytes, 8, b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b)), shape),
            "F16" => tensor(Convert(bytes, 2, b => (float)BinaryPrimitives.ReadHalfLittleEndian(b)), shape),
            "BF16" => tensor(Convert(bytes, 2, b => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16)), shape),
            "I64" => tensor(ConvertLong(bytes, 8, b => BinaryPrimitives.ReadInt64LittleEndian(b)), shape),
            _ => tensor(ConvertLong(bytes, 4, b => BinaryPrimitives.ReadInt32LittleEndian(b)), shape),
        };
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F32" or "I32" => 4,
        "F64" or "I64" => 8,
        "F16" or "BF16" => 2,
        _ => null,
    };

    private static float[] Convert(byte[] bytes, int width, Func<ReadOnlySpan<byte>, float> read)
    {
        var values = new float[bytes.Length / width];
        for (int i = 0; i < values.Length; i++) values[i] = read(bytes.AsSpan(i * width, width));
        return values;
    }

    private static long[] ConvertLong(byte[] bytes, int width, Func<ReadOnlySpan<byte>, long> read)
    {
        var values = new long[bytes.Length / width];
        for (int i = 0; i < values.Length; i++) values[i] = read(bytes.AsSpan(i * width, width));
        return values;
    }

    /// <summary>Writes float tensors as F32 and integer tensors as I64, names sorted, 8-byte aligned data.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 }) header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        var payloads = new List<byte[]>();
        long offset = 0;
        foreach (var (name, t) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var (dtype, bytes) = Encode(t);
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(t.shape.Select(s => (JsonNode?)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            payloads.Add(bytes);
            offset += bytes.Length;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padding = (8 - headerBytes.Length % 8) % 8;
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            stream.Write(BitConverter.GetBytes((long)(headerBytes.Length + padding)));
            stream.Write(headerBytes);
            stream.Write(Enumerable.Repeat((byte)' ', padding).ToArray());
            foreach (var payload in payloads) stream.Write(payload);
        }
        File.Move(temporary, path, overwrite: true); // a crash mid-write never leaves a half checkpoint
    }

    private static (string Dtype, byte[] Bytes) Encode(Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous();
        if (cpu.dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool)
        {
            using var longs = cpu.to_type(ScalarType.Int64);
            return ("I64", System.Runtime.InteropServices.MemoryMarshal.AsBytes(longs.data<long>().ToArray().AsSpan()).ToArray());
        }
        using var floats = cpu.to_type(ScalarType.Float32);
        return ("F32", System.Runtime.InteropServices.MemoryMarshal.AsBytes(floats.data<float>().ToArray().AsSpan()).ToArray());
    }

    private static InvalidDataException Bad(string path, string why) => new($"{path}: not a valid safetensors file ({why})");
}
