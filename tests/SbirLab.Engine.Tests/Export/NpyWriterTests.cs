using System.Text;
using SbirLab.Engine.Export;

namespace SbirLab.Engine.Tests.Export;

public class NpyWriterTests
{
    [Fact]
    public void WritesNumpyVersion1HeaderAndLittleEndianData()
    {
        string path = Path.Combine(RepoPaths.TempFolder("npy"), "m.npy");
        NpyWriter.Write(path, [1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.Equal(0, (10 + headerLength) % 64); // numpy aligns the data to 64 bytes
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(6 * 4, bytes.Length - 10 - headerLength);
        Assert.Equal(6f, BitConverter.ToSingle(bytes, bytes.Length - 4));
    }

    [Fact]
    public void OneDimensionalShapeHasTheTrailingComma()
    {
        string path = Path.Combine(RepoPaths.TempFolder("npy"), "l.npy");
        NpyWriter.Write(path, [3L, 1L], 2);
        string header = Encoding.ASCII.GetString(File.ReadAllBytes(path), 10, 60);
        Assert.Contains("'descr': '<i8'", header);
        Assert.Contains("'shape': (2,)", header);
    }
}
