using System.Buffers.Binary;
using System.Text;
using SbirLab.Engine.Tests.Imaging;
using SbirLab.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Weights;

public class SafeTensorsTests
{
    private static readonly float[] Values = [1.0f, -2.5f, 0.1f];

    /// <summary>The stored little-endian bytes of a tensor, located through the header.</summary>
    private static byte[] StoredBytes(string path, string name)
    {
        var header = SafeTensors.ReadHeader(path);
        var info = header.Tensors.Single(t => t.Name == name);
        var bytes = File.ReadAllBytes(path);
        return bytes[(int)(header.DataStart + info.Begin)..(int)(header.DataStart + info.End)];
    }

    private static ushort[] Halves(byte[] bytes) =>
        Enumerable.Range(0, bytes.Length / 2).Select(i => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2 * i))).ToArray();

    [Fact]
    public void FloatFormatsAreStoredWithTheExpectedBitsAndReadBackAsFloat32()
    {
        using var dir = new TempDir();
        using var values = tensor(Values);
        foreach (var (format, file) in new[] { (SafeTensorsFloatFormat.F32, "f32"), (SafeTensorsFloatFormat.F16, "f16"), (SafeTensorsFloatFormat.BF16, "bf16") })
        {
            SafeTensors.Save(dir.File(file + ".safetensors"), [new("v", values)], format);
        }

        // F32: 1.0 = 0x3F800000, −2.5 = 0xC0200000, 0.1 = 0x3DCCCCCD.
        var f32 = StoredBytes(dir.File("f32.safetensors"), "v");
        Assert.Equal([0x3F800000u, 0xC0200000u, 0x3DCCCCCDu],
            Enumerable.Range(0, 3).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(f32.AsSpan(4 * i))));
        // F16: 1.0 = 0x3C00; −2.5 = sign 1, exponent 1+15 = 16, mantissa .25·1024 = 0x100 → 0xC100;
        // 0.1 = 1.6·2⁻⁴ → exponent 11 (0x2C00), mantissa round(0.6·1024) = 614 = 0x266 → 0x2E66.
        Assert.Equal(new ushort[] { 0x3C00, 0xC100, 0x2E66 }, Halves(StoredBytes(dir.File("f16.safetensors"), "v")));
        // BF16 = top half of F32, rounded to nearest even: 0x3F80, 0xC020, 0x3DCC|CCCD → 0x3DCD (0xCCCD > 0x8000 rounds up).
        Assert.Equal(new ushort[] { 0x3F80, 0xC020, 0x3DCD }, Halves(StoredBytes(dir.File("bf16.safetensors"), "v")));

        using var back32 = SafeTensors.Load(dir.File("f32.safetensors"))["v"];
        using var back16 = SafeTensors.Load(dir.File("f16.safetensors"))["v"];
        using var backBf = SafeTensors.Load(dir.File("bf16.safetensors"))["v"];
        Assert.All(new[] { back32, back16, backBf }, t => Assert.Equal(ScalarType.Float32, t.dtype));
        Assert.Equal(Values, back32.data<float>().ToArray());
        // 0x2E66 = (1 + 614/1024)·2⁻⁴ = 0.0999755859375; 0x3DCD0000 = (1 + 77/128)·2⁻⁴ = 0.10009765625.
        Assert.Equal(new[] { 1.0f, -2.5f, 0.0999755859375f }, back16.data<float>().ToArray());
        Assert.Equal(new[] { 1.0f, -2.5f, 0.10009765625f }, backBf.data<float>().ToArray());
    }

    [Fact]
    public void AHandWrittenFileWithShapesIntegersAndMetadataIsRead()
    {
        using var dir = new TempDir();
        // Data: "w" F32 [2, 2] = 1, 2, 3, 4 (bytes 0..16), "n" I64 scalar 7 (bytes 16..24).
        var json = """{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"n":{"dtype":"I64","shape":[],"data_offsets":[16,24]}}""";
        var data = new byte[24];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), i + 1);
        }

        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(16), 7);
        var path = dir.File("hand.safetensors");
        WriteRaw(path, Encoding.UTF8.GetBytes(json), data);

        var header = SafeTensors.ReadHeader(path);
        Assert.Equal("pt", header.Metadata["format"]);
        var loaded = SafeTensors.Load(path);
        Assert.Equal([2L, 2], loaded["w"].shape);
        Assert.Equal(3f, loaded["w"][1, 0].item<float>());
        Assert.Equal(ScalarType.Int64, loaded["n"].dtype);
        Assert.Empty(loaded["n"].shape);
        Assert.Equal(7L, loaded["n"].item<long>());
    }

    [Fact]
    public void WriterOutputRoundTripsIntegersMetadataAndAlignment()
    {
        using var dir = new TempDir();
        var path = dir.File("mixed.safetensors");
        using var counts = tensor(new long[] { 3, 1, 4 });
        using var weights = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        SafeTensors.Save(path, [new("counts", counts), new("layer.weight", weights)], metadata: new Dictionary<string, string> { ["source"] = "test" });

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path).AsSpan(0, 8));
        Assert.Equal(0UL, headerLength % 8);
        var loaded = SafeTensors.Load(path);
        Assert.Equal(new long[] { 3, 1, 4 }, loaded["counts"].data<long>().ToArray());
        Assert.Equal(weights.data<float>().ToArray(), loaded["layer.weight"].data<float>().ToArray());
        Assert.Equal("test", SafeTensors.ReadHeader(path).Metadata["source"]);
    }

    [Theory]
    [InlineData("length", "header length")]
    [InlineData("json", "not valid JSON")]
    [InlineData("offsets", "outside the")]
    [InlineData("size", "needs 12")]
    [InlineData("dtype", "unsupported dtype 'F8'")]
    public void BadFilesGiveAClearError(string defect, string expectedMessage)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.safetensors");
        var data = new byte[12];
        var good = """{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""";
        var json = defect switch
        {
            "json" => """{"t": {"dtype": "F32",""",
            "offsets" => """{"t":{"dtype":"F32","shape":[3],"data_offsets":[4,16]}}""",
            "size" => """{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""",
            "dtype" => """{"t":{"dtype":"F8","shape":[3],"data_offsets":[0,3]}}""",
            _ => good,
        };
        WriteRaw(path, Encoding.UTF8.GetBytes(json), data, lengthOverride: defect == "length" ? 1_000_000UL : null);

        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.Contains(expectedMessage, error.Message);
        if (defect is "offsets" or "size" or "dtype")
        {
            Assert.Contains("'t'", error.Message);
        }
    }

    private static void WriteRaw(string path, byte[] json, byte[] data, ulong? lengthOverride = null)
    {
        using var stream = File.Create(path);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, lengthOverride ?? (ulong)json.Length);
        stream.Write(length);
        stream.Write(json);
        stream.Write(data);
    }
}
