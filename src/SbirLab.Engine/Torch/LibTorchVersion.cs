using System.Text.RegularExpressions;

namespace SbirLab.Engine.Torch;

/// <summary>Which libtorch a folder holds, read from the files that come with it.</summary>
public static partial class LibTorchVersion
{
    /// <summary>The libtorch TorchSharp 0.107 was built against (libtorch-cpu-linux-x64 / libtorch-cuda-12.8 2.10.0).</summary>
    public const string TorchSharpBuiltFor = "2.10.0";

    /// <summary>
    /// The version and the file it was read from: PyTorch's <c>torch/version.py</c> beside <c>torch/lib</c>,
    /// a libtorch archive's <c>build-version</c> beside <c>libtorch/lib</c>, or the <c>.nuspec</c> of a NuGet
    /// package whose <c>runtimes/linux-x64/native</c> this is. Null where none of them is there.
    /// </summary>
    public static (string Version, string Source)? Read(string folder)
    {
        string parent = Path.GetFullPath(Path.Combine(folder, ".."));
        string python = Path.Combine(parent, "version.py");
        if (File.Exists(python) && PythonVersion().Match(File.ReadAllText(python)) is { Success: true } p)
            return (p.Groups[1].Value, python);
        string archive = Path.Combine(parent, "build-version");
        if (File.Exists(archive) && File.ReadLines(archive).FirstOrDefault()?.Trim() is { Length: > 0 } line)
            return (line, archive);
        string package = Path.GetFullPath(Path.Combine(folder, "..", "..", ".."));
        if (Directory.Exists(package))
            foreach (var nuspec in Directory.GetFiles(package, "libtorch*.nuspec"))
                if (NuspecVersion().Match(File.ReadAllText(nuspec)) is { Success: true } n)
                    return (n.Groups[1].Value, nuspec);
        return null;
    }

    /// <summary>Whether two versions share major and minor ("2.10.0+cpu" and "2.10.1" do, "2.11.0" does not).</summary>
    public static bool SameRelease(string a, string b) => Release(a) is { } ra && ra == Release(b);

    private static string? Release(string version) => ReleasePart().Match(version) is { Success: true } m ? m.Value : null;

    [GeneratedRegex(@"^\s*__version__\s*=\s*['""]([^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex PythonVersion();

    [GeneratedRegex(@"<version>\s*([^<\s]+)\s*</version>")]
    private static partial Regex NuspecVersion();

    [GeneratedRegex(@"^\d+\.\d+")]
    private static partial Regex ReleasePart();
}
