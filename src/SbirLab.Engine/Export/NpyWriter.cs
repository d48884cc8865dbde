using System.Text;
using SbirLab.Core.Runs;

namespace SbirLab.Engine.Export;

/// <summary>
/// Writes arrays in NumPy's .npy format (version 1.0, little-endian, C order) so that anyone can
/// load our embeddings with <c>numpy.load</c> and check our figures.
/// </summary>
public static class NpyWriter
{
    public static void Write(string path, float[] data, params int[] shape) => Write(path, "<f4", MemoryMarshalBytes(data), shape);

    public static void Write(string path, long[] data, params int[] shape) => Write(path, "<i8", MemoryMarshalBytes(data), shape);

    private static byte[] MemoryMarshalBytes<T>(T[] data) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).ToArray();

    private static void Write(string path, string dtype, byte[] payload, int[] shape)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("npy writer assumes a little-endian host");
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string header = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shapeText}, }}";
        // Magic (6) + version (2) + header length (2) + header + padding + '\n' must be a multiple of 64.
        int unpadded = 10 + header.Length + 1;
        header += new string(' ', (64 - unpadded % 64) % 64) + "\n";
        AtomicFile.Write(path, stream =>
        {
            stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
            stream.Write(BitConverter.GetBytes((ushort)header.Length));
            stream.Write(Encoding.ASCII.GetBytes(header));
            stream.Write(payload);
        });
    }
}
