using System.Runtime.InteropServices;

namespace SbirLab.Engine;

/// <summary>
/// Asks libtorch's OpenMP runtime (libgomp) to put idle worker threads to sleep instead of spinning.
/// </summary>
/// <remarks>
/// <para>At the end of every parallel region (each convolution, pooling or element-wise kernel) libgomp's threads
/// spin, waiting for the next one. On a machine whose cores are busy with other work (a shared lab server, a
/// worker next to the web lab, CI) a spinning thread takes the core from the thread that has work: profiled with
/// <c>perf</c> on the shared 2-core build machine, 55% of a training epoch's samples were libgomp spinning, and
/// an epoch took 27–32 s with the default policy against 4–5 s with <c>OMP_WAIT_POLICY=PASSIVE</c>
/// (see the README's epoch benchmark).</para>
/// <para>libgomp reads the variable once, when libtorch is loaded, so <see cref="PreferPassive"/> must run before
/// the first torch call (<see cref="TorchRuntime"/> calls it first). A value the user set is kept.</para>
/// </remarks>
public static class OpenMpWaitPolicy
{
    /// <summary>The variable libgomp reads.</summary>
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>The settings as environment variables, for a child process (a benchmark's peer).</summary>
    public static IReadOnlyDictionary<string, string> AsEnvironment { get; } = new Dictionary<string, string> { [Variable] = "PASSIVE" };

    /// <summary>The policy in force for this process: the user's, ours, or null (libgomp's default, active spinning).</summary>
    public static string? Current { get; private set; } = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE in the native environment unless it is set already.</summary>
    public static void PreferPassive()
    {
        if (Current is not null || !OperatingSystem.IsLinux()) return;
        try
        {
            // .NET keeps its own copy of the environment; libgomp reads the C library's, so set it there.
            if (SetEnv(Variable, AsEnvironment[Variable], overwrite: 0) == 0) Current = AsEnvironment[Variable];
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* not glibc */ }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
