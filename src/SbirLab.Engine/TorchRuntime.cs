using TorchSharp;

namespace SbirLab.Engine;

/// <summary>Chooses the device once per process and sets the thread count to the cores.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<torch.Device> LazyDevice = new(Initialise);

    /// <summary>Held while seeding torch's global generator and drawing from it (weight initialisation).</summary>
    public static readonly object GlobalRandomLock = new();

    /// <summary>CUDA when <c>torch.cuda.is_available()</c>, else CPU.</summary>
    public static torch.Device Device => LazyDevice.Value;

    /// <summary>A short human description such as "cpu (2 threads)" or "cuda:0 (NVIDIA H100)".</summary>
    public static string Describe(torch.Device? device = null)
    {
        device ??= Device;
        return device.type == DeviceType.CUDA
            ? $"cuda:{Math.Max(0, (int)device.index)} ({torch.cuda.device_count()} visible)"
            : $"cpu ({torch.get_num_threads()} threads)";
    }

    /// <summary>The device a config names ("auto", "cpu", "cuda:0", ...); the runtime is initialised first either way.</summary>
    public static torch.Device Resolve(string? requested)
    {
        var automatic = Device; // the runtime's settings must precede the first torch call, whatever the device
        return requested?.ToLowerInvariant() switch
        {
            null or "" or "auto" => automatic,
            "cpu" => torch.CPU,
            var other => torch.device(other),
        };
    }

    private static torch.Device Initialise()
    {
        OpenMpWaitPolicy.PreferPassive();
        NativeAllocator.KeepFreedMemory();
        torch.set_num_threads(Environment.ProcessorCount);
        return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
    }
}
