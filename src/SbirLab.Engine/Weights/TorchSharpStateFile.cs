using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Weights;

/// <summary>
/// Reads and writes TorchSharp's own weight format (what <c>Module.save(path)</c> writes and <c>Module.load</c>
/// reads) as a plain name → tensor dictionary, so those files go through the same <see cref="StateDictImporter"/>
/// report as safetensors instead of TorchSharp's all-or-nothing loader. Layout: LEB128 entry count; per entry a
/// .NET <see cref="BinaryWriter"/> string (7-bit-length-prefixed UTF-8 name), LEB128 dtype code
/// (<see cref="ScalarType"/>), LEB128 rank, LEB128 dimensions, then the raw element bytes.
/// </summary>
public static class TorchSharpStateFile
{
    /// <summary>Loads every entry on the CPU in its stored dtype.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            var count = ReadLeb128(reader);
            for (long i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                result[name] = ReadTensor(reader, name);
            }
        }
        catch (EndOfStreamException)
        {
            DisposeAll(result);
            throw new InvalidDataException($"{path}: file ended early; not a complete TorchSharp weight file.");
        }
        catch
        {
            DisposeAll(result);
            throw;
        }

        return result;
    }

    /// <summary>Writes the tensors in TorchSharp's format (readable by <c>Module.load</c> when names and shapes match).</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var entries = tensors.ToList();
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        WriteLeb128(writer, entries.Count);
        foreach (var (name, tensor) in entries)
        {
            writer.Write(name);
            using var scope = NewDisposeScope();
            var cpu = tensor.detach().cpu().contiguous();
            WriteLeb128(writer, (long)cpu.dtype);
            WriteLeb128(writer, cpu.shape.Length);
            foreach (var dimension in cpu.shape)
            {
                WriteLeb128(writer, dimension);
            }

            writer.Write(cpu.bytes);
        }
    }

    private static Tensor ReadTensor(BinaryReader reader, string name)
    {
        var dtype = (ScalarType)ReadLeb128(reader);
        var rank = ReadLeb128(reader);
        if (rank > 64)
        {
            throw new InvalidDataException($"Entry '{name}': rank {rank} is not plausible; not a TorchSharp weight file?");
        }

        var shape = new long[rank];
        for (var d = 0; d < rank; d++)
        {
            shape[d] = ReadLeb128(reader);
        }

        var length = shape.Aggregate(1L, (a, b) => a * b) * SafeTensors.ElementSize(dtype);
        if (length > int.MaxValue || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new InvalidDataException($"Entry '{name}': {length} data bytes do not fit in the file.");
        }

        var tensor = empty(shape, dtype);
        reader.BaseStream.ReadExactly(tensor.bytes);
        return tensor;
    }

    private static long ReadLeb128(BinaryReader reader)
    {
        long result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            long b = reader.ReadByte();
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new InvalidDataException("Malformed LEB128 number.");
    }

    private static void WriteLeb128(BinaryWriter writer, long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            writer.Write(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
    }

    private static void DisposeAll(Dictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
    }
}
