using System.Buffers.Binary;
using System.Text;

namespace SbirLab.Engine.Torch;

/// <summary>Reads the symbols a shared library (little-endian ELF64) expects other libraries to define.</summary>
internal static class ElfSymbols
{
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const int SymbolSize = 24;
    private const byte BindGlobal = 1;

    /// <summary>
    /// Undefined, global (not weak) dynamic symbols without a symbol version: what libtorch must provide
    /// (C library and libstdc++ symbols carry versions such as GLIBC_2.2.5 and are left out).
    /// </summary>
    public static IReadOnlyList<string> UnversionedImports(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{path} is not a little-endian ELF64 file");
        var sections = Sections(elf);
        var dynsym = sections.FirstOrDefault(s => s.Type == ShtDynsym);
        if (dynsym.Size == 0) return [];
        var strings = sections[(int)dynsym.Link];
        var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        var imports = new List<string>();
        long count = dynsym.Size / SymbolSize;
        for (long i = 1; i < count; i++)
        {
            var symbol = elf.AsSpan((int)(dynsym.Offset + i * SymbolSize), SymbolSize);
            bool undefined = BinaryPrimitives.ReadUInt16LittleEndian(symbol[6..]) == 0;
            bool global = symbol[4] >> 4 == BindGlobal;
            int version = versym.Size == 0 ? 1 : BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)(versym.Offset + i * 2))) & 0x7fff;
            if (!undefined || !global || version > 1) continue;
            uint name = BinaryPrimitives.ReadUInt32LittleEndian(symbol);
            imports.Add(CString(elf, strings.Offset + name));
        }
        return imports;
    }

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link);

    private static List<Section> Sections(byte[] elf)
    {
        long table = BinaryPrimitives.ReadInt64LittleEndian(elf.AsSpan(0x28));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3a));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3c));
        var sections = new List<Section>(count);
        for (int i = 0; i < count; i++)
        {
            var header = elf.AsSpan((int)(table + (long)i * entrySize), entrySize);
            sections.Add(new Section(
                BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                BinaryPrimitives.ReadInt64LittleEndian(header[0x18..]),
                BinaryPrimitives.ReadInt64LittleEndian(header[0x20..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..])));
        }
        return sections;
    }

    private static string CString(byte[] elf, long offset)
    {
        int end = Array.IndexOf(elf, (byte)0, (int)offset);
        return Encoding.ASCII.GetString(elf, (int)offset, end - (int)offset);
    }
}
