using System.Runtime.InteropServices;

namespace SbirLab.Engine.Torch;

/// <summary>The libtorch named by SBIRLAB_LIBTORCH (or --libtorch) cannot serve TorchSharp; the message says what is missing.</summary>
public sealed class LibTorchLoadException(string message) : Exception(message);

/// <summary>
/// Loads a libtorch from a folder (PyTorch's <c>torch/lib</c>, a libtorch archive's <c>lib</c>, a NuGet package's
/// <c>runtimes/linux-x64/native</c>) before TorchSharp's first call, then TorchSharp's libLibTorchSharp.so against it,
/// and answers TorchSharp's own native-library requests with these handles (dotnet/TorchSharp#169 describes the
/// explicit load). TorchSharp's libLibTorchSharp.so finds libtorch.so, libc10.so and libtorch_cpu.so by their
/// sonames among the libraries already loaded.
/// </summary>
public static class ExternalLibTorch
{
    public const string EnvironmentVariable = "SBIRLAB_LIBTORCH";

    private static readonly string[] CoreLibraries = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];
    private static readonly string[] CudaLibraries = ["libc10_cuda.so", "libtorch_cuda.so"];
    private const string GlobalDeps = "libtorch_global_deps.so";
    private const string Bridge = "libLibTorchSharp.so";

    /// <summary>Handles by the names TorchSharp asks for ("LibTorchSharp", "torch_cpu", "torch_cuda", ...).</summary>
    private static readonly Dictionary<string, IntPtr> Handles = new(StringComparer.Ordinal);

    /// <summary>The handle of libtorch_cuda.so when the external folder has one (its dependencies include the CUDA runtime).</summary>
    internal static IntPtr CudaHandle => Handles.GetValueOrDefault("torch_cuda");

    /// <summary>Loads the folder's libtorch and TorchSharp's bridge; call once, before any TorchSharp call.</summary>
    public static LibTorchOrigin Load(string folder)
    {
        string root = CheckFolder(folder);
        bool cuda = File.Exists(Path.Combine(root, "libtorch_cuda.so"));
        if (cuda && !File.Exists(Path.Combine(root, "libc10_cuda.so")))
            throw new LibTorchLoadException($"{EnvironmentVariable}={root} has libtorch_cuda.so but no libc10_cuda.so beside it");
        var version = LibTorchVersion.Read(root);
        var origin = new LibTorchOrigin(root, version?.Version, version?.Source, null);
        string versionNote = origin.Warning is { } warning ? $" ({warning})" : "";
        RefuseIfTorchIsLoaded(root);
        RefuseOtherSonames(root, cuda ? [.. CoreLibraries, .. CudaLibraries] : CoreLibraries, versionNote);

        var libraries = new Dictionary<string, IntPtr>(StringComparer.Ordinal);
        try
        {
            // As PyTorch does: the CUDA libraries its global-deps library pulls in go into the global scope.
            string globalDeps = Path.Combine(root, GlobalDeps);
            if (File.Exists(globalDeps)) _ = DynamicLinker.OpenLazy(globalDeps, global: true);
            foreach (var name in cuda ? [.. CoreLibraries, .. CudaLibraries] : CoreLibraries)
                libraries[TorchSharpName(name)] = DynamicLinker.OpenLazy(Path.Combine(root, name));
        }
        catch (DynamicLinkerException e)
        {
            throw new LibTorchLoadException($"{EnvironmentVariable}={root}: {e.Message}{versionNote}");
        }

        string bridge = BridgePath();
        IntPtr bridgeHandle;
        try { bridgeHandle = DynamicLinker.OpenNow(bridge); }
        catch (DynamicLinkerException e) { throw new LibTorchLoadException(Unresolved(bridge, root, e.Message, libraries.Values, versionNote)); }

        libraries["LibTorchSharp"] = bridgeHandle;
        foreach (var (name, handle) in libraries) Handles[name] = handle;
        NativeLibrary.SetDllImportResolver(typeof(TorchSharp.torch).Assembly, (name, _, _) => Handles.GetValueOrDefault(TorchSharpName(name)));
        return origin;
    }

    private static string CheckFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
            throw new LibTorchLoadException($"{EnvironmentVariable}: an external libtorch is supported on Linux only");
        string root = Path.GetFullPath(folder);
        if (!Directory.Exists(root)) throw new LibTorchLoadException($"{EnvironmentVariable}={folder}: no such folder");
        var missing = CoreLibraries.Where(name => !File.Exists(Path.Combine(root, name))).ToList();
        if (missing.Count > 0)
            throw new LibTorchLoadException(
                $"{EnvironmentVariable}={root} has no {string.Join(", ", missing)}: a libtorch folder holds {string.Join(", ", CoreLibraries)} " +
                "(PyTorch's is printed by python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+\"/lib\")')");
        return root;
    }

    /// <summary>A second libtorch in one process would register every operator twice: refuse if one is already mapped.</summary>
    private static void RefuseIfTorchIsLoaded(string root)
    {
        string? loaded = LibTorchOrigin.MappedFolder("libtorch_cpu.so");
        if (loaded is not null && loaded != root)
            throw new LibTorchLoadException($"libtorch was already loaded from {loaded} before {EnvironmentVariable}={root} could take effect (a TorchSharp call ran before TorchRuntime started torch)");
    }

    /// <summary>
    /// The bridge asks for libtorch.so, libc10.so and libtorch_cpu.so by these sonames; a library loaded under another
    /// soname (Debian's libtorch.so.1.13) would not satisfy it, and the linker would look for a second libtorch.
    /// </summary>
    private static void RefuseOtherSonames(string root, IEnumerable<string> libraries, string versionNote)
    {
        foreach (var name in libraries)
        {
            string? soname;
            try { soname = ElfSymbols.Soname(Path.Combine(root, name)); }
            catch (Exception e) when (e is InvalidDataException or IOException) { continue; } // dlopen names what is wrong with it
            if (soname is not null && soname != name)
                throw new LibTorchLoadException($"{EnvironmentVariable}={root}: {name} there is named {soname} inside (its soname), but TorchSharp's libLibTorchSharp.so asks for {name}{versionNote}");
        }
    }

    /// <summary>libLibTorchSharp.so beside the program: at its root (a published app) or under runtimes/linux-x64/native (a build).</summary>
    private static string BridgePath()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, Bridge),
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", Bridge),
        ];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new LibTorchLoadException($"{Bridge} (TorchSharp's native half) is not beside the program in {AppContext.BaseDirectory}");
    }

    /// <summary>dlopen names the first symbol it cannot bind; this counts every libtorch function the bridge needs that the folder lacks.</summary>
    private static string Unresolved(string bridge, string root, string linkerMessage, IEnumerable<IntPtr> libraries, string versionNote)
    {
        var handles = libraries.ToList();
        var needed = ElfSymbols.UnversionedImports(bridge);
        var absent = needed.Where(symbol => handles.All(handle => DynamicLinker.Symbol(handle, symbol) == IntPtr.Zero)).ToList();
        string head = $"TorchSharp {LibTorchOrigin.TorchSharpVersion}'s {Bridge} does not link against the libtorch in {root}{versionNote}: {linkerMessage}";
        return absent.Count == 0 ? head
            : $"{head}. {absent.Count} of the {needed.Count} libtorch symbols it needs are not defined there, e.g. {string.Join(", ", absent.Take(5))}";
    }

    /// <summary>"libtorch_cpu.so" → "torch_cpu", "libLibTorchSharp.so" → "LibTorchSharp": the names TorchSharp loads by.</summary>
    private static string TorchSharpName(string library)
    {
        string name = library.EndsWith(".so", StringComparison.Ordinal) ? library[..^3] : library;
        return name.StartsWith("lib", StringComparison.Ordinal) ? name[3..] : name;
    }
}
