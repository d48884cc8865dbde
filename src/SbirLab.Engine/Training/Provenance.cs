using SbirLab.Core.Runs;

namespace SbirLab.Engine.Training;

/// <summary>
/// A run's provenance as the trainer reports it at the start (<see cref="RunStart.Provenance"/>): the process's
/// (<see cref="RunProvenance.Capture"/>: code commit, packages, host; git is asked once per process) with the seed, the
/// device and its hardware (GPU name and memory, or CPU model, cores and RAM) and the libtorch it runs on (the external
/// folder when SBIRLAB_LIBTORCH named one).
/// </summary>
public static class Provenance
{
    public static RunProvenance Capture(int seed, TorchSharp.torch.Device device)
    {
        var hardware = TorchRuntime.Hardware(device);
        var libTorch = TorchRuntime.LibTorch;
        return RunProvenance.Capture() with
        {
            Seed = seed,
            Device = TorchRuntime.Describe(device),
            DeviceName = hardware.Name,
            DeviceMemory = hardware.Memory,
            DeviceMemoryBytes = hardware.MemoryBytes,
            CpuCores = hardware.Cores,
            LibTorch = libTorch.Describe(),
            LibTorchFolder = libTorch.ExternalFolder,
            LibTorchVersion = libTorch.Version,
            LibTorchWarning = libTorch.Warning,
            Created = DateTimeOffset.UtcNow,
        };
    }
}
