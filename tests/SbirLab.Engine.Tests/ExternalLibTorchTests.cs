using SbirLab.Engine.Torch;
using TorchSharp;

namespace SbirLab.Engine.Tests;

/// <summary>
/// The checks that run before an external libtorch is loaded (this process already runs on the bundled one);
/// tests/SbirLab.Cli.Tests/ExternalLibTorchCliTests load one in a process of their own.
/// </summary>
public class ExternalLibTorchTests
{
    private static string Temp(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), "sbirlab-libtorch-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    [Fact]
    public void TorchSharpIsBuiltForTheLibtorchWeDeclare() =>
        Assert.StartsWith(LibTorchVersion.TorchSharpBuiltFor + ".", torch.__version__ + ".");

    [Fact]
    public void PyTorchsVersionFileGivesTheVersionAndADifferentReleaseIsFlagged()
    {
        string torchFolder = Temp("torch");
        string lib = Directory.CreateDirectory(Path.Combine(torchFolder, "lib")).FullName;
        File.WriteAllText(Path.Combine(torchFolder, "version.py"), "from typing import Optional\n\n__version__ = '2.11.0+cu128'\ndebug = False\ncuda: Optional[str] = '12.8'\n");

        var (version, source) = LibTorchVersion.Read(lib)!.Value;
        Assert.Equal("2.11.0+cu128", version);
        Assert.Equal(Path.Combine(torchFolder, "version.py"), source);
        var origin = new LibTorchOrigin(lib, version, source, null);
        Assert.False(origin.VersionMatches);
        Assert.Contains("libtorch 2.11.0+cu128", origin.Warning);
        Assert.Contains("2.10.0 that TorchSharp 0.107.0 was built for", origin.Warning);
    }

    [Fact]
    public void ALibtorchArchivesBuildVersionOfTheSameReleaseMatches()
    {
        string archive = Temp("libtorch");
        string lib = Directory.CreateDirectory(Path.Combine(archive, "lib")).FullName;
        File.WriteAllText(Path.Combine(archive, "build-version"), "2.10.0+cpu\n");

        var origin = new LibTorchOrigin(lib, LibTorchVersion.Read(lib)!.Value.Version, null, null);
        Assert.Equal("2.10.0+cpu", origin.Version);
        Assert.True(origin.VersionMatches);
        Assert.Null(origin.Warning);
    }

    [Fact]
    public void AFolderWithoutVersionFilesIsUnknownAndSaysSo()
    {
        string lib = Temp("bare");
        Assert.Null(LibTorchVersion.Read(lib));
        Assert.Contains("version in " + lib + " is unknown", new LibTorchOrigin(lib, null, null, null).Warning);
    }

    [Fact]
    public void TheNuGetPackagesNativeFolderReadsItsNuspec()
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string native = Path.Combine(cache, "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");
        Assert.True(Directory.Exists(native), $"{native}: restore puts libtorch-cpu-linux-x64 there");
        Assert.Equal("2.10.0", LibTorchVersion.Read(native)!.Value.Version);
    }

    [Fact]
    public void AMissingFolderOrMissingLibrariesAreNamedBeforeAnythingIsLoaded()
    {
        var none = Assert.Throws<LibTorchLoadException>(() => ExternalLibTorch.Load("/nonexistent/torch/lib"));
        Assert.Equal("SBIRLAB_LIBTORCH=/nonexistent/torch/lib: no such folder", none.Message);

        string partial = Temp("partial");
        File.WriteAllText(Path.Combine(partial, "libtorch.so"), "");
        var missing = Assert.Throws<LibTorchLoadException>(() => ExternalLibTorch.Load(partial));
        Assert.StartsWith($"SBIRLAB_LIBTORCH={partial} has no libc10.so, libtorch_cpu.so:", missing.Message);
    }

    [Fact]
    public void TheBridgeImportsLibtorchSymbolsAndNotTheCLibrarys()
    {
        string bridge = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var imports = ElfSymbols.UnversionedImports(bridge);
        Assert.Contains("_ZN2at4_ops4neg_4callERNS_6TensorE", imports); // at::_ops::neg_::call, in libtorch_cpu.so
        Assert.DoesNotContain("malloc", imports); // malloc@GLIBC_2.2.5 carries a version
        Assert.All(imports, name => Assert.StartsWith("_Z", name));
    }

    [Fact]
    public void SonamesAreReadFromTheDynamicSection()
    {
        string native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        Assert.Equal("libtorch.so", ElfSymbols.Soname(Path.Combine(native, "libtorch.so")));
        Assert.Equal("libtorch_cpu.so", ElfSymbols.Soname(Path.Combine(native, "libtorch_cpu.so")));
        Assert.Equal("libLibTorchSharp.so", ElfSymbols.Soname(Path.Combine(native, "libLibTorchSharp.so")));
    }

    [Fact]
    public void TheCpuIsDescribedByModelCoresAndMemory()
    {
        var cpu = DeviceHardware.Cpu();
        Assert.Equal(Environment.ProcessorCount, cpu.Cores);
        Assert.InRange(cpu.MemoryBytes!.Value, 1L << 28, 1L << 44);
        Assert.False(string.IsNullOrWhiteSpace(cpu.Name));
        Assert.Equal($"{cpu.Name}, {cpu.Cores} cores, {cpu.Memory} RAM", cpu.Describe());
    }

    [Fact]
    public void TheBundledLibtorchIsRecordedWithTheFolderItWasMappedFrom()
    {
        var origin = TorchRuntime.LibTorch;
        Assert.Null(origin.ExternalFolder);
        Assert.True(File.Exists(Path.Combine(origin.LoadedFrom!, "libtorch_cpu.so")), origin.LoadedFrom);
        Assert.StartsWith("bundled with TorchSharp 0.107.0 (libtorch 2.10.0), loaded from ", origin.Describe());
    }
}
