using SbirLab.Engine;

namespace SbirLab.Engine.Tests;

public sealed class NativeAllocatorTests
{
    [SkippableFact]
    public void On_glibc_every_allocator_setting_is_accepted_when_torch_starts()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/lib/x86_64-linux-gnu/libc.so.6"), "the allocator is tuned on glibc (x86-64 Linux) only");
        _ = TorchRuntime.Device; // starting torch keeps freed memory for reuse
        // mallopt refuses values out of glibc's range (an mmap threshold above 32 MiB, say): then Tuned is false
        Assert.True(NativeAllocator.Tuned);
    }
}
