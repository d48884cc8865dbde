using System.Text;
using SbirLab.Core.Runs;
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
    /// <summary>Longest entry name accepted (state-dict keys are short dotted paths).</summary>
    private const int MaxNameLength = 1024;

    /// <summary>
    /// Loads every entry on the CPU in its stored dtype. Until the whole file has been read as a weight file, a
    /// failure names entries by number only: in a file that is not one, a would-be "name" is just its bytes.
    /// </summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            var count = ReadLeb128(reader);
            if (count > stream.Length / 3) // an entry takes at least a name length, a dtype and a rank byte
                throw NotAWeightFile(path, "its entry count does not fit the file");
            for (long i = 0; i < count; i++)
            {
                var name = ReadName(reader, path, i);
                result[name] = ReadTensor(reader, path, i);
            }
            if (stream.Position != stream.Length) throw NotAWeightFile(path, "bytes follow the last entry");
        }
        catch (EndOfStreamException)
        {
            DisposeAll(result);
            throw NotAWeightFile(path, "file ended early");
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
        AtomicFile.Write(path, stream => Write(stream, entries));
    }

    private static void Write(Stream stream, List<KeyValuePair<string, Tensor>> entries)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
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

    private static InvalidDataException NotAWeightFile(string path, string why) =>
        new($"{path}: not a TorchSharp weight file ({why}).");

    /// <summary>An entry's name, refused unless it looks like a state-dict key (letters, digits, '.', '_', '-').</summary>
    private static string ReadName(BinaryReader reader, string path, long entry)
    {
        var length = ReadLeb128(reader);
        if (length is 0 or > MaxNameLength) throw NotAWeightFile(path, $"entry {entry}: no plausible name length");
        var bytes = reader.ReadBytes((int)length);
        if (bytes.Length < length) throw new EndOfStreamException();
        if (!bytes.All(b => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'_' or (byte)'-'))
            throw NotAWeightFile(path, $"entry {entry}: its name is not a state-dict key");
        return Encoding.ASCII.GetString(bytes);
    }

    private static Tensor ReadTensor(BinaryReader reader, string path, long entry)
    {
        var code = ReadLeb128(reader);
        if (!Enum.GetValues<ScalarType>().Any(t => Convert.ToInt64(t, System.Globalization.CultureInfo.InvariantCulture) == code))
            throw NotAWeightFile(path, $"entry {entry}: unknown element type");
        var dtype = Enum.GetValues<ScalarType>().First(t => Convert.ToInt64(t, System.Globalization.CultureInfo.InvariantCulture) == code);
        var rank = ReadLeb128(reader);
        if (rank > 64)
        {
            throw NotAWeightFile(path, $"entry {entry}: implausible rank");
        }

        var shape = new long[rank];
        for (var d = 0; d < rank; d++)
        {
            shape[d] = ReadLeb128(reader);
        }

        long elementSize;
        try { elementSize = SafeTensors.ElementSize(dtype); }
        catch (NotSupportedException) { throw NotAWeightFile(path, $"entry {entry}: unsupported element type"); }
        long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        long length = elementSize;
        foreach (var dimension in shape)
        {
            if (dimension > remaining) throw NotAWeightFile(path, $"entry {entry}: its data would run past the end of the file");
            length = dimension == 0 ? 0 : length * dimension;
            if (length > remaining) throw NotAWeightFile(path, $"entry {entry}: its data would run past the end of the file");
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
