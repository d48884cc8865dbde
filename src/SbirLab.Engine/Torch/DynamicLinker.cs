using System.Runtime.InteropServices;
using System.Text;

namespace SbirLab.Engine.Torch;

/// <summary>
/// glibc's dynamic linker (dlopen, dlsym, dlerror). <see cref="NativeLibrary.Load(string)"/> binds lazily, so a
/// libtorch that lacks a function TorchSharp calls would load and then end the process at that call;
/// <see cref="OpenNow"/> resolves every symbol at load and reports the first one missing. The three functions are
/// called through raw function pointers: a P/Invoke stub may itself call into the dynamic linker on its way and
/// clear dlerror's message before we read it.
/// </summary>
internal static unsafe class DynamicLinker
{
    private const int RtldLazy = 0x1;
    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;

    // libdl.so.2 exists on every glibc (since 2.34 a stub that forwards to libc.so.6).
    private static readonly IntPtr Libdl = NativeLibrary.Load("libdl.so.2");
    private static readonly delegate* unmanaged<byte*, int, IntPtr> DlOpen = (delegate* unmanaged<byte*, int, IntPtr>)NativeLibrary.GetExport(Libdl, "dlopen");
    private static readonly delegate* unmanaged<IntPtr, byte*, IntPtr> DlSym = (delegate* unmanaged<IntPtr, byte*, IntPtr>)NativeLibrary.GetExport(Libdl, "dlsym");
    private static readonly delegate* unmanaged<IntPtr> DlError = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(Libdl, "dlerror");

    /// <summary>Loads a library, binding its functions when first called (as NativeLibrary.Load does).</summary>
    public static IntPtr OpenLazy(string path, bool global = false) => Open(path, RtldLazy | (global ? RtldGlobal : 0));

    /// <summary>Loads a library and resolves all its symbols now.</summary>
    public static IntPtr OpenNow(string path) => Open(path, RtldNow);

    /// <summary>The address of <paramref name="symbol"/> in the library or its dependencies, or zero.</summary>
    public static IntPtr Symbol(IntPtr handle, string symbol)
    {
        fixed (byte* name = Utf8(symbol)) return DlSym(handle, name);
    }

    private static IntPtr Open(string path, int flags)
    {
        IntPtr handle, message;
        fixed (byte* file = Utf8(path))
        {
            _ = DlError(); // clear a stale message
            handle = DlOpen(file, flags);
            message = handle == IntPtr.Zero ? DlError() : IntPtr.Zero;
        }
        if (handle != IntPtr.Zero) return handle;
        throw new DynamicLinkerException(message == IntPtr.Zero ? $"{path}: dlopen failed" : Marshal.PtrToStringUTF8(message) ?? path);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");
}

/// <summary>dlopen's own message (dlerror), e.g. "x.so: undefined symbol: _ZN3c10..." or "libc10.so: cannot open shared object file".</summary>
internal sealed class DynamicLinkerException(string message) : Exception(message);
