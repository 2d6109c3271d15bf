using System.Runtime.InteropServices;

using DisasterRecovery.Core.Native;

namespace DisasterRecovery.Zstd;

/// <summary>
/// The system's libzstd (libzstd.so.1): the data path's compressor and decompressor, the fastest measured
/// (BENCHMARKS.md; tests/Benchmarks/PostgresBackup/RESULTS.md), which decides whether a dump keeps up with
/// the server. Only when it cannot be loaded do the compressors and <see cref="ZstdReadStream"/>
/// fall back to ZstdSharp, automatically; both write and read standard frames.
/// </summary>
public sealed unsafe class NativeZstd
{
    private const int CompressionLevelParameter = 100;
    private const int ChecksumFlagParameter = 201;

    private static readonly Lazy<NativeZstd?> Loaded = new(() => TryLoad("libzstd.so.1", "libzstd.so"));

    private readonly Functions _f;

    private NativeZstd(Functions functions) => _f = functions;

    /// <summary>The system's libzstd, or null when it cannot be loaded (then the managed port is used).</summary>
    public static NativeZstd? Default => Loaded.Value;

    /// <summary>libzstd under the first of <paramref name="names"/> that loads, or null.</summary>
    public static NativeZstd? TryLoad(params string[] names) => NativeLibraries.TryBind(names, handle => new NativeZstd(new Functions(handle)));

    /// <summary>A compression context with the level and content checksums set.</summary>
    public IntPtr CreateContext(int level)
    {
        var f = _f;
        var context = f.CreateCCtx();
        Check(f, f.SetParameter(context, CompressionLevelParameter, level));
        Check(f, f.SetParameter(context, ChecksumFlagParameter, 1));
        return context;
    }

    public void FreeContext(IntPtr context)
    {
        if (context != IntPtr.Zero)
        {
            _f.FreeCCtx(context);
        }
    }

    /// <summary>One whole frame of <paramref name="source"/> into <paramref name="destination"/>; returns its length.</summary>
    public int Compress(IntPtr context, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var f = _f;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            var written = f.Compress2(context, dst, (nuint)destination.Length, src, (nuint)source.Length);
            Check(f, written);
            return (int)written;
        }
    }

    /// <summary>A decompression context (content checksums are verified: libzstd's default).</summary>
    public IntPtr CreateDecompressionContext() => _f.CreateDCtx();

    public void FreeDecompressionContext(IntPtr context)
    {
        if (context != IntPtr.Zero)
        {
            _f.FreeDCtx(context);
        }
    }

    /// <summary>
    /// One step of streaming decompression: consumes from <paramref name="source"/> and fills
    /// <paramref name="destination"/> as far as it can. Returns (input consumed, output written, 0 when a
    /// frame has just ended completely). Damaged input throws <see cref="InvalidDataException"/>.
    /// </summary>
    public (int Consumed, int Written, nuint Hint) Decompress(IntPtr context, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var f = _f;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            var output = new Buffer { Data = dst, Size = (nuint)destination.Length };
            var input = new Buffer { Data = src, Size = (nuint)source.Length };
            var hint = f.DecompressStream(context, &output, &input);
            if (f.IsError(hint) != 0)
            {
                throw new InvalidDataException("libzstd: " + Marshal.PtrToStringAnsi(f.GetErrorName(hint)));
            }

            return ((int)input.Position, (int)output.Position, hint);
        }
    }

    private static void Check(Functions f, nuint code)
    {
        if (f.IsError(code) != 0)
        {
            throw new InvalidOperationException("libzstd: " + Marshal.PtrToStringAnsi(f.GetErrorName(code)));
        }
    }

    /// <summary>ZSTD_inBuffer / ZSTD_outBuffer: the same layout (pointer, size, position).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Buffer
    {
        public byte* Data;
        public nuint Size;
        public nuint Position;
    }

    /// <summary>The exports used, bound once.</summary>
    private sealed class Functions(IntPtr h)
    {
        public readonly delegate* unmanaged<IntPtr> CreateDCtx = (delegate* unmanaged<IntPtr>)NativeLibraries.Export(h, "ZSTD_createDCtx");
        public readonly delegate* unmanaged<IntPtr, nuint> FreeDCtx = (delegate* unmanaged<IntPtr, nuint>)NativeLibraries.Export(h, "ZSTD_freeDCtx");
        public readonly delegate* unmanaged<IntPtr, Buffer*, Buffer*, nuint> DecompressStream =
            (delegate* unmanaged<IntPtr, Buffer*, Buffer*, nuint>)NativeLibraries.Export(h, "ZSTD_decompressStream");
        public readonly delegate* unmanaged<IntPtr> CreateCCtx = (delegate* unmanaged<IntPtr>)NativeLibraries.Export(h, "ZSTD_createCCtx");
        public readonly delegate* unmanaged<IntPtr, nuint> FreeCCtx = (delegate* unmanaged<IntPtr, nuint>)NativeLibraries.Export(h, "ZSTD_freeCCtx");
        public readonly delegate* unmanaged<IntPtr, int, int, nuint> SetParameter =
            (delegate* unmanaged<IntPtr, int, int, nuint>)NativeLibraries.Export(h, "ZSTD_CCtx_setParameter");
        public readonly delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, nuint> Compress2 =
            (delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, nuint>)NativeLibraries.Export(h, "ZSTD_compress2");
        public readonly delegate* unmanaged<nuint, uint> IsError = (delegate* unmanaged<nuint, uint>)NativeLibraries.Export(h, "ZSTD_isError");
        public readonly delegate* unmanaged<nuint, IntPtr> GetErrorName = (delegate* unmanaged<nuint, IntPtr>)NativeLibraries.Export(h, "ZSTD_getErrorName");
    }
}
