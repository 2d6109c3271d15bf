using System.Buffers;
using System.Threading.Channels;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace DisasterRecovery.Zstd;

/// <summary>
/// A write-only stream that compresses what is written into independent zstd frames of <see cref="BlockSize"/> bytes each
/// (content checksums on), written to the destination in order. Compression runs on its own task, at most
/// <see cref="QueuedBlocks"/> blocks behind the writer, so a producer (a network transfer, a parser) and the compressor use
/// two cores; memory is bounded by the queue whatever the length. libzstd compresses; ZstdSharp only when libzstd cannot be
/// loaded. Any zstd reader decodes the concatenated frames (<see cref="ZstdReadStream"/>, <c>zstd -d</c>).
/// <see cref="DisposeAsync"/> writes the last frame and waits for the compressor; an error of the destination surfaces on the
/// next write or at disposal.
/// </summary>
public sealed class ZstdFrameWriteStream : Stream
{
    /// <summary>Raw bytes per frame.</summary>
    public const int BlockSize = 4 << 20;

    /// <summary>Filled blocks that may wait for the compressor.</summary>
    public const int QueuedBlocks = 2;

    private readonly Stream _destination;
    private readonly bool _leaveOpen;
    private readonly Channel<Block> _blocks = Channel.CreateBounded<Block>(new BoundedChannelOptions(QueuedBlocks)
    {
        SingleReader = true,
        SingleWriter = true,
    });

    private readonly Task _compressor;
    private byte[] _raw = ArrayPool<byte>.Shared.Rent(BlockSize);
    private int _used;
    private bool _finished;

    /// <summary>Compresses at <paramref name="level"/> with libzstd, or with ZstdSharp when it cannot be loaded.</summary>
    public ZstdFrameWriteStream(Stream destination, int level, bool leaveOpen = false)
        : this(destination, level, NativeZstd.Default, leaveOpen)
    {
    }

    /// <summary>Compresses with <paramref name="zstd"/>, or with ZstdSharp when it is null (the fallback, tested on its own).</summary>
    public ZstdFrameWriteStream(Stream destination, int level, NativeZstd? zstd, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _destination = destination;
        _leaveOpen = leaveOpen;
        _compressor = Task.Run(() => CompressAsync(level, zstd));
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_finished;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override void Write(ReadOnlySpan<byte> buffer) =>
        WriteAsync(buffer.ToArray(), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, BlockSize - _used);
            buffer.Span[..take].CopyTo(_raw.AsSpan(_used));
            _used += take;
            buffer = buffer[take..];
            if (_used == BlockSize)
            {
                await HandOverAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Accepted and ignored: a frame is written when its block is full, and the last one at disposal.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Writes the last frame, waits for the compressor and rethrows its error; then disposes the destination unless left open.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            try
            {
                if (_used > 0)
                {
                    await HandOverAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                _blocks.Writer.TryComplete();
                try
                {
                    await _compressor.ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(_raw);
                    if (!_leaveOpen)
                    {
                        await _destination.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }

        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    /// <summary>Queues the current block for the compressor and starts a new one; the compressor's error if it stopped.</summary>
    private async ValueTask HandOverAsync(CancellationToken cancellationToken)
    {
        var block = new Block(_raw, _used);
        _raw = ArrayPool<byte>.Shared.Rent(BlockSize);
        _used = 0;
        try
        {
            await _blocks.Writer.WriteAsync(block, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            ArrayPool<byte>.Shared.Return(block.Data);
            await _compressor.ConfigureAwait(false);
            throw;
        }
    }

    private async Task CompressAsync(int level, NativeZstd? zstd)
    {
        using var compressor = zstd is null ? new Compressor(level) : null;
        compressor?.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        var context = zstd?.CreateContext(level) ?? IntPtr.Zero;
        var frame = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(BlockSize));
        try
        {
            await foreach (var block in _blocks.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                int length;
                try
                {
                    var raw = block.Data.AsSpan(0, block.Length);
                    length = zstd is null ? compressor!.Wrap(raw, frame) : zstd.Compress(context, raw, frame);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(block.Data);
                }

                await _destination.WriteAsync(frame.AsMemory(0, length)).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            _blocks.Writer.TryComplete(e);
            while (_blocks.Reader.TryRead(out var left))
            {
                ArrayPool<byte>.Shared.Return(left.Data);
            }

            throw;
        }
        finally
        {
            zstd?.FreeContext(context);
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private readonly record struct Block(byte[] Data, int Length);
}
