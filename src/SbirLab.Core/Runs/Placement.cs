using System.Globalization;

namespace SbirLab.Core.Runs;

/// <summary>The kinds of device a run may ask for and a worker may offer.</summary>
public enum DeviceKind
{
    Cpu,
    Cuda,
}

/// <summary>
/// Where a run may train: the queue it waits in (<c>queue</c> of its config) and the kind of device it needs (from its
/// <c>device</c>: <c>cpu</c> needs a CPU slot, <c>cuda</c> / <c>cuda:N</c> a CUDA one, <c>auto</c> takes either). A worker
/// serves the queues it names (<c>--queue</c>) with one slot per device it offers (<c>--devices</c>), and claims only
/// runs of those queues whose device kind matches the free slot, so a run waits until a worker that has it is free.
/// </summary>
public static class Placement
{
    /// <summary>The queue of a run that names none, and the one a worker serves when not told otherwise.</summary>
    public const string DefaultQueue = "default";

    public const int MaxQueueLength = 40;

    /// <summary>What a queue name may be, for messages.</summary>
    public const string QueueNameRule = "a queue name: 1 to 40 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit";

    public static bool IsQueueName(string? name) =>
        name is { Length: > 0 and <= MaxQueueLength } && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');

    /// <summary>The device kind a config's <c>device</c> asks for; null for <c>auto</c> (any worker).</summary>
    public static DeviceKind? KindOf(string? configDevice) => configDevice?.Trim().ToLowerInvariant() switch
    {
        "cpu" => DeviceKind.Cpu,
        { } v when v == "cuda" || v.StartsWith("cuda:", StringComparison.Ordinal) => DeviceKind.Cuda,
        _ => null,
    };

    /// <summary>The stored name of a kind ("cpu", "cuda").</summary>
    public static string Text(this DeviceKind kind) => kind == DeviceKind.Cuda ? "cuda" : "cpu";
}

/// <summary>One device a worker offers: a CPU slot, or one CUDA device by index. A run in its slot is pinned to it.</summary>
public sealed record WorkerDevice(DeviceKind Kind, int Index)
{
    public static readonly WorkerDevice Cpu = new(DeviceKind.Cpu, 0);

    /// <summary>The device's name as torch takes it: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public string Name => Kind == DeviceKind.Cuda ? string.Create(CultureInfo.InvariantCulture, $"cuda:{Index}") : "cpu";

    public override string ToString() => Name;

    /// <summary>
    /// Parses <c>--devices</c>: a comma-separated list of <c>cpu</c> and <c>cuda:N</c>. <c>cpu</c> may repeat (each is one
    /// more run at once on the CPU's cores); a CUDA device may not (one run per GPU).
    /// </summary>
    /// <exception cref="ArgumentException">An entry is neither, or a CUDA device is named twice.</exception>
    public static IReadOnlyList<WorkerDevice> ParseList(string text)
    {
        var devices = new List<WorkerDevice>();
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var device = Parse(entry);
            if (device.Kind == DeviceKind.Cuda && devices.Contains(device))
                throw new ArgumentException($"--devices {text}: {device} is named twice; a worker runs one run per GPU");
            devices.Add(device);
        }
        return devices;
    }

    private static WorkerDevice Parse(string entry)
    {
        string v = entry.ToLowerInvariant();
        if (v == "cpu") return Cpu;
        if (v.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(v[5..], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return new WorkerDevice(DeviceKind.Cuda, index);
        throw new ArgumentException($"--devices: '{entry}' is not a device; a comma-separated list of cpu and cuda:N (cuda:0,cuda:1 or cpu,cpu)");
    }

    /// <summary>
    /// Checks the CUDA devices of <paramref name="devices"/> against the <paramref name="cudaDevices"/> torch sees here
    /// (<c>torch.cuda.is_available()</c> false: 0). Returns the refusal, or null when every device exists.
    /// </summary>
    public static string? Refusal(IReadOnlyList<WorkerDevice> devices, int cudaDevices)
    {
        var cuda = devices.Where(d => d.Kind == DeviceKind.Cuda).ToList();
        if (cuda.Count == 0) return null;
        string asked = string.Join(",", devices);
        if (cudaDevices == 0)
            return $"--devices {asked}: this machine has no CUDA device (TorchSharp's torch.cuda.is_available() is false); use --devices cpu, or run this worker on a GPU machine with a CUDA build of libtorch";
        var missing = cuda.Where(d => d.Index >= cudaDevices).ToList();
        return missing.Count == 0 ? null
            : $"--devices {asked}: {string.Join(", ", missing)} not found; torch sees {cudaDevices} CUDA device{(cudaDevices == 1 ? "" : "s")} here (cuda:0 to cuda:{cudaDevices - 1})";
    }
}
