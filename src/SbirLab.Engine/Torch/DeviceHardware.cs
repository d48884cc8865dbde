using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;

namespace SbirLab.Engine.Torch;

/// <summary>The hardware behind a torch device: a GPU's name and memory, or the CPU's model, cores and RAM.</summary>
public sealed partial record DeviceHardware(string Name, long? MemoryBytes, int? Cores)
{
    /// <summary>e.g. "NVIDIA H200, 139.8 GiB" or "AMD EPYC 7B13, 2 cores, 23.4 GiB RAM".</summary>
    public string Describe() =>
        string.Join(", ", new[] { Name, Cores is { } c ? $"{c} cores" : null, Memory is { } m ? (Cores is null ? m : m + " RAM") : null }.OfType<string>());

    /// <summary>The memory in GiB, one decimal ("23.4 GiB"), or null when unknown.</summary>
    public string? Memory => MemoryBytes is { } bytes ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB") : null;

    public static DeviceHardware Of(torch.Device device) =>
        device.type == DeviceType.CUDA ? Cuda(Math.Max(0, (int)device.index)) : Cpu();

    /// <summary>The processor model (/proc/cpuinfo), the logical cores this process may use, and the machine's RAM (/proc/meminfo).</summary>
    public static DeviceHardware Cpu()
    {
        string name = RuntimeInformation.ProcessArchitecture.ToString();
        long? memory = null;
        if (File.Exists("/proc/cpuinfo") && File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } model)
            name = model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        if (File.Exists("/proc/meminfo") && MemTotal().Match(File.ReadAllText("/proc/meminfo")) is { Success: true } m)
            memory = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1024;
        return new DeviceHardware(name, memory ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, Environment.ProcessorCount);
    }

    /// <summary>
    /// The GPU's name and total memory from the CUDA runtime that libtorch_cuda.so links (cudaGetDeviceProperties:
    /// the name is the struct's first 256 bytes and totalGlobalMem follows uuid, luid and luidDeviceNodeMask at 288,
    /// the same in CUDA 11, 12 and 13).
    /// </summary>
    public static DeviceHardware Cuda(int index)
    {
        if (!OperatingSystem.IsLinux()) return new DeviceHardware($"CUDA device {index}", null, null);
        IntPtr library = ExternalLibTorch.CudaHandle;
        if (library == IntPtr.Zero) NativeLibrary.TryLoad("torch_cuda", typeof(torch).Assembly, null, out library);
        IntPtr properties = library == IntPtr.Zero ? IntPtr.Zero : DynamicLinker.Symbol(library, "cudaGetDeviceProperties_v2");
        if (properties == IntPtr.Zero && library != IntPtr.Zero) properties = DynamicLinker.Symbol(library, "cudaGetDeviceProperties");
        if (properties == IntPtr.Zero) return new DeviceHardware($"CUDA device {index} (name unknown: no CUDA runtime found)", null, null);
        return ReadProperties(properties, index);
    }

    private static unsafe DeviceHardware ReadProperties(IntPtr function, int index)
    {
        const int totalGlobalMemOffset = 288;
        byte* buffer = stackalloc byte[8192]; // larger than any CUDA version's cudaDeviceProp
        new Span<byte>(buffer, 8192).Clear();
        var call = (delegate* unmanaged<byte*, int, int>)function;
        int error = call(buffer, index);
        if (error != 0) return new DeviceHardware($"CUDA device {index} (cudaGetDeviceProperties error {error})", null, null);
        string name = Marshal.PtrToStringUTF8((IntPtr)buffer) ?? $"CUDA device {index}";
        long total = *(long*)(buffer + totalGlobalMemOffset);
        return new DeviceHardware(name, total is > 0 and < 1L << 44 ? total : null, null);
    }

    [GeneratedRegex(@"^MemTotal:\s+(\d+)\s*kB", RegexOptions.Multiline)]
    private static partial Regex MemTotal();
}
