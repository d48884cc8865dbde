using SbirLab.Engine.Torch;
using TorchSharp;

namespace SbirLab.Engine;

/// <summary>
/// Starts torch once per process: loads the libtorch named by <see cref="ExternalLibTorch.EnvironmentVariable"/>
/// (or <see cref="UseExternalLibTorch"/>) when there is one, sets the thread count to the cores, and chooses the device.
/// Every torch use goes through here first, so that an external libtorch is in place before TorchSharp's first call.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<torch.Device> LazyDevice = new(Initialise);
    private static string? _requestedFolder;
    private static LibTorchOrigin? _libTorch;

    /// <summary>Held while seeding torch's global generator and drawing from it (weight initialisation).</summary>
    public static readonly object GlobalRandomLock = new();

    /// <summary>CUDA when <c>torch.cuda.is_available()</c>, else CPU.</summary>
    public static torch.Device Device => LazyDevice.Value;

    /// <summary>Where libtorch came from (starts torch).</summary>
    public static LibTorchOrigin LibTorch
    {
        get
        {
            _ = Device;
            return _libTorch!;
        }
    }

    /// <summary>CUDA devices torch sees (0 on a CPU build or a machine without a GPU).</summary>
    public static int CudaDeviceCount => Device.type == DeviceType.CUDA ? torch.cuda.device_count() : 0;

    /// <summary>Loads libtorch from <paramref name="folder"/> instead (the CLI's --libtorch); before torch starts.</summary>
    public static void UseExternalLibTorch(string folder)
    {
        if (LazyDevice.IsValueCreated) throw new InvalidOperationException("torch has already started; an external libtorch must be named before");
        _requestedFolder = folder;
    }

    /// <summary>Built with TorchBackend=external: no libtorch beside TorchSharp, so one must be named.</summary>
#if SBIRLAB_EXTERNAL_LIBTORCH
    public const bool NeedsExternalLibTorch = true;
#else
    public const bool NeedsExternalLibTorch = false;
#endif

    /// <summary>The folder named by --libtorch or SBIRLAB_LIBTORCH, or null for the libtorch beside TorchSharp.</summary>
    public static string? ExternalFolder =>
        _requestedFolder ?? (Environment.GetEnvironmentVariable(ExternalLibTorch.EnvironmentVariable) is { Length: > 0 } folder ? folder : null);

    /// <summary>A short human description such as "cpu (2 threads; Intel Xeon, 2 cores, 23.4 GiB RAM)" or "cuda:0 (NVIDIA H200, 139.8 GiB; 1 visible)".</summary>
    public static string Describe(torch.Device? device = null)
    {
        device ??= Device;
        var hardware = Hardware(device);
        return device.type == DeviceType.CUDA
            ? $"cuda:{Math.Max(0, (int)device.index)} ({hardware.Describe()}; {torch.cuda.device_count()} visible)"
            : $"cpu ({torch.get_num_threads()} threads; {hardware.Describe()})";
    }

    /// <summary>The GPU's name and memory, or the CPU's model, cores and RAM.</summary>
    public static DeviceHardware Hardware(torch.Device device)
    {
        _ = Device;
        return DeviceHardware.Of(device);
    }

    public static torch.Device Resolve(string? requested)
    {
        var chosen = Device; // starts torch before anything else touches it
        return requested?.ToLowerInvariant() switch
        {
            null or "" or "auto" => chosen,
            "cpu" => torch.CPU,
            var other => torch.device(other),
        };
    }

    private static torch.Device Initialise()
    {
        OpenMpWaitPolicy.PreferPassive();
        string? folder = ExternalFolder;
        if (folder is null && NeedsExternalLibTorch)
            throw new LibTorchLoadException($"this build carries no libtorch (TorchBackend=external): set {ExternalLibTorch.EnvironmentVariable} or --libtorch to a libtorch folder, such as PyTorch's: python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+\"/lib\")'");
        var external = folder is null ? null : ExternalLibTorch.Load(folder);
        NativeAllocator.KeepFreedMemory();
        torch.set_num_threads(Environment.ProcessorCount);
        string? loadedFrom = LibTorchOrigin.MappedFolder("libtorch_cpu.so");
        _libTorch = external is null
            ? new LibTorchOrigin(null, LibTorchVersion.TorchSharpBuiltFor, null, loadedFrom)
            : external with { LoadedFrom = loadedFrom };
        return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
    }
}
