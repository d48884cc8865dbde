using System.Buffers.Binary;
using System.Text;

namespace SbirLab.Engine.Torch;

/// <summary>Reads a shared library's (little-endian ELF64) soname and the symbols it expects other libraries to define.</summary>
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

    /// <summary>
    /// The library's DT_SONAME, or null. Reads only the headers and the dynamic section (libtorch_cpu.so is 460 MB).
    /// </summary>
    public static string? Soname(string path)
    {
        const uint shtDynamic = 6;
        const long dtSoname = 14;
        using var file = File.OpenRead(path);
        byte[] header = Read(file, 0, 64);
        if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F' || header[4] != 2 || header[5] != 1)
            throw new InvalidDataException($"{path} is not a little-endian ELF64 file");
        long table = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(0x28));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x3a));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x3c));
        byte[] headers = Read(file, table, entrySize * count);
        var sections = Enumerable.Range(0, count).Select(i => ParseSection(headers.AsSpan(i * entrySize, entrySize))).ToList();
        var dynamic = sections.FirstOrDefault(s => s.Type == shtDynamic);
        if (dynamic.Size == 0) return null;
        byte[] entries = Read(file, dynamic.Offset, (int)dynamic.Size);
        for (int i = 0; i + 16 <= entries.Length; i += 16)
        {
            if (BinaryPrimitives.ReadInt64LittleEndian(entries.AsSpan(i)) != dtSoname) continue;
            var strings = sections[(int)dynamic.Link];
            byte[] names = Read(file, strings.Offset, (int)strings.Size);
            return CString(names, BinaryPrimitives.ReadInt64LittleEndian(entries.AsSpan(i + 8)));
        }
        return null;
    }

    private static byte[] Read(FileStream file, long offset, int length)
    {
        var buffer = new byte[length];
        file.Position = offset;
        file.ReadExactly(buffer);
        return buffer;
    }

    private static Section ParseSection(ReadOnlySpan<byte> header) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[0x18..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[0x20..]),
        BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]));

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link);

    private static List<Section> Sections(byte[] elf)
    {
        long table = BinaryPrimitives.ReadInt64LittleEndian(elf.AsSpan(0x28));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3a));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3c));
        var sections = new List<Section>(count);
        for (int i = 0; i < count; i++) sections.Add(ParseSection(elf.AsSpan((int)(table + (long)i * entrySize), entrySize)));
        return sections;
    }

    private static string CString(byte[] elf, long offset)
    {
        int end = Array.IndexOf(elf, (byte)0, (int)offset);
        return Encoding.ASCII.GetString(elf, (int)offset, end - (int)offset);
    }
}
