using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on the Vernaux entry naming <see cref="Version"/> in every libLibTorchSharp.so
/// under <see cref="Folder"/>, when the host's libstdc++ does not define that version, or always with
/// <see cref="Always"/> (a bundle built here for another host: build/gpu-bundle.sh).
/// </summary>
public class WeakenGlibcxxRequirement : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public string Folder { get; set; } = "";
    [Required] public string Version { get; set; } = "";
    public bool Always { get; set; }

    public override bool Execute()
    {
        if (!Directory.Exists(Folder)) return true;
        var libraries = Directory.GetFiles(Folder, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (libraries.Length == 0 || (!Always && HostHasVersion())) return true;
        foreach (var library in libraries)
        {
            var result = Weaken(library);
            Log.LogMessage(MessageImportance.Normal, $"{library}: {result}");
        }
        return !Log.HasLoggedErrors;
    }

    private bool HostHasVersion()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib64/libstdc++.so.6",
        };
        var found = candidates.Where(File.Exists).ToList();
        if (found.Count == 0) return false;
        var needle = Encoding.ASCII.GetBytes(Version + "\0");
        return found.Any(path => IndexOf(File.ReadAllBytes(path), needle) >= 0);
    }

    private string Weaken(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            return "not a little-endian ELF64 file, left alone";
        long sectionTable = BitConverter.ToInt64(elf, 0x28);
        int sectionSize = BitConverter.ToUInt16(elf, 0x3a);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3c);
        for (int i = 0; i < sectionCount; i++)
        {
            long header = sectionTable + (long)i * sectionSize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)header + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            long strings = BitConverter.ToInt64(elf, (int)(sectionTable + (long)link * sectionSize) + 0x18);
            int changed = MarkWeak(elf, offset, strings);
            if (changed < 0) return $"{Version} already weak";
            if (changed == 0) return $"{Version} not required";
            ReplaceFile(path, elf);
            return $"{Version} requirement marked weak";
        }
        return "no .gnu.version_r section";
    }

    /// <summary>
    /// Writes a new file and moves it over the old one, never writing through the old inode: output
    /// folders hard-link the library to the NuGet cache, which must stay as the package shipped it.
    /// </summary>
    private static void ReplaceFile(string path, byte[] contents)
    {
        var temporary = path + ".weakened";
        File.WriteAllBytes(temporary, contents);
        File.Delete(path);
        File.Move(temporary, path);
    }

    /// <returns>entries changed; -1 when the entry was already weak.</returns>
    private int MarkWeak(byte[] elf, long verneed, long strings)
    {
        long need = verneed;
        while (true)
        {
            int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
            long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
            for (int j = 0; j < auxCount; j++)
            {
                long name = strings + BitConverter.ToUInt32(elf, (int)aux + 8);
                if (ReadString(elf, name) == Version)
                {
                    ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                    if ((flags & VerFlgWeak) != 0) return -1;
                    BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, (int)aux + 4);
                    return 1;
                }
                aux += BitConverter.ToUInt32(elf, (int)aux + 12);
            }
            uint next = BitConverter.ToUInt32(elf, (int)need + 12);
            if (next == 0) return 0;
            need += next;
        }
    }

    private static string ReadString(byte[] bytes, long start)
    {
        long end = start;
        while (bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)start, (int)(end - start));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
