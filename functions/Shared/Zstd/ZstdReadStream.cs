using DisasterRecovery.Core;
using ZstdSharp;

namespace DisasterRecovery.Zstd;

/// <summary>
/// Decompresses concatenated zstd frames from a stream: through libzstd, or, only when libzstd cannot be
/// loaded, ZstdSharp's <see cref="DecompressionStream"/>. Damaged or truncated input throws
/// <see cref="InvalidDataException"/> (libzstd) or <see cref="ZstdException"/> (ZstdSharp).
/// </summary>
public static class ZstdReadStream
{
    /// <summary>Decompresses <paramref name="compressed"/> (disposed with the stream unless <paramref name="leaveOpen"/>).</summary>
    public static Stream Open(Stream compressed, int bufferSize = 1 << 17, bool leaveOpen = false) =>
        Open(compressed, NativeZstd.Default, bufferSize, leaveOpen);

    /// <summary>Decompresses with <paramref name="zstd"/>, or with ZstdSharp when it is null (the fallback, tested on its own).</summary>
    public static Stream Open(Stream compressed, NativeZstd? zstd, int bufferSize = 1 << 17, bool leaveOpen = false) =>
        zstd is not null ? new Native(compressed, zstd, bufferSize, leaveOpen) : new DecompressionStream(compressed, bufferSize, leaveOpen: leaveOpen);

    private sealed class Native(Stream compressed, NativeZstd zstd, int bufferSize, bool leaveOpen) : ReadOnlyStream
    {
        private readonly byte[] _input = new byte[bufferSize];
        private IntPtr _context = zstd.CreateDecompressionContext();
        private int _start;
        private int _end;
        private bool _inputDone;
        private bool _frameOpen;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (true)
            {
                if (_start == _end && !_inputDone)
                {
                    _start = 0;
                    _end = compressed.Read(_input, 0, _input.Length);
                    _inputDone = _end == 0;
                }

                var written = Step(buffer);
                if (written > 0 || buffer.IsEmpty)
                {
                    return written;
                }

                if (_inputDone && _start == _end)
                {
                    return End();
                }
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                if (_start == _end && !_inputDone)
                {
                    _start = 0;
                    _end = await compressed.ReadAsync(_input, cancellationToken).ConfigureAwait(false);
                    _inputDone = _end == 0;
                }

                var written = Step(buffer.Span);
                if (written > 0 || buffer.IsEmpty)
                {
                    return written;
                }

                if (_inputDone && _start == _end)
                {
                    return End();
                }
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen)
            {
                compressed.Dispose();
            }

            zstd.FreeDecompressionContext(_context);
            _context = IntPtr.Zero;
            base.Dispose(disposing);
        }

        /// <summary>Decompresses what input there is into <paramref name="output"/>; a frame may also end without output.</summary>
        private int Step(Span<byte> output)
        {
            ObjectDisposedException.ThrowIf(_context == IntPtr.Zero, this);
            if (output.IsEmpty || (_start == _end && !_frameOpen))
            {
                return 0;
            }

            var (consumed, written, hint) = zstd.Decompress(_context, _input.AsSpan(_start, _end - _start), output);
            _start += consumed;
            _frameOpen = hint != 0;
            return written;
        }

        /// <summary>The input ended: fine between frames, damage inside one.</summary>
        private int End() => _frameOpen
            ? throw new InvalidDataException("libzstd: the compressed data ends in the middle of a frame (truncated)")
            : 0;
    }
}
