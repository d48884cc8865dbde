using System.Runtime.InteropServices;

namespace SbirLab.Engine;

/// <summary>
/// The C library's allocator, which libtorch allocates every tensor from. By default glibc hands each freed
/// block of more than a few hundred KiB straight back to the system, so a training step that frees its
/// activations and allocates them again next step pays for fresh zeroed pages every time (page faults were
/// a third of a step's time on the seed-004 ConvNet). During training we keep freed memory in the heap
/// instead; <see cref="Trim"/> gives it back once a run is over.
/// </summary>
public static class NativeAllocator
{
    // glibc's mallopt parameters (malloc.h)
    private const int MTrimThreshold = -1;
    private const int MTopPad = -2;
    private const int MMmapThreshold = -3;

    /// <summary>Blocks up to this size come from the heap and are reused (glibc's largest allowed value on 64-bit).</summary>
    private const int MmapThreshold = 32 << 20;

    /// <summary>Free memory at the top of the heap is returned to the system only beyond this.</summary>
    private const int TrimThreshold = 128 << 20;

    private const int TopPad = 16 << 20;

    private static int _tuned;

    /// <summary>The same settings as glibc environment variables, for another process (a benchmark's peer).</summary>
    public static IReadOnlyDictionary<string, string> AsEnvironment { get; } = new Dictionary<string, string>
    {
        ["MALLOC_MMAP_THRESHOLD_"] = MmapThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MALLOC_TRIM_THRESHOLD_"] = TrimThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MALLOC_TOP_PAD_"] = TopPad.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Whether <see cref="KeepFreedMemory"/> took effect (glibc on Linux).</summary>
    public static bool Tuned { get; private set; }

    /// <summary>Keeps freed tensor memory for reuse (once per process; glibc only, elsewhere nothing happens).</summary>
    public static void KeepFreedMemory()
    {
        if (Interlocked.Exchange(ref _tuned, 1) == 1 || !OperatingSystem.IsLinux()) return;
        try
        {
            // '&', not '&&': every setting is applied even when an earlier one is refused
            Tuned = MallOpt(MMmapThreshold, MmapThreshold) == 1
                    & MallOpt(MTrimThreshold, TrimThreshold) == 1
                    & MallOpt(MTopPad, TopPad) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* not glibc */ }
    }

    /// <summary>Returns the heap's free memory to the system (after a run, before the process idles).</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { _ = MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* not glibc */ }
    }

    /// <summary>
    /// After a training step (its dispose scope closed): a gen-0 collection, so the finalizers of what the step left
    /// behind run now. Every tensor of a step is disposed with its scope, but TorchSharp frees some native objects only
    /// in their finalizers (a <c>Scalar</c> made implicitly from a number, <c>alpha: -lr</c> or <c>d - margin</c>,
    /// inside its own modules too: dotnet/TorchSharp#1434), and a step allocates so little managed memory that a
    /// collection used to come every few hundred steps. The small native blocks kept alive meanwhile pinned glibc's
    /// heap between the step's large freed activations, and resident memory grew about 3 MiB a step (1.1 GiB after
    /// 300 seed-004 steps, 0.3 GiB with a collection after each). A gen-0 collection of one step's garbage takes well
    /// under a millisecond.
    /// </summary>
    public static void ReleaseStepGarbage() => GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);

    /// <summary>
    /// Before training and after an evaluation: a full collection with the finalizers run, then the freed heap given
    /// back, so what loading and evaluating left behind does not count in the training's memory.
    /// </summary>
    public static void ReleaseSetupGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Trim();
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
