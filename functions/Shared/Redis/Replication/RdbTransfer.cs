using DisasterRecovery.Core;

namespace DisasterRecovery.Redis.Replication;

/// <summary>
/// The RDB a server is sending, as a read-only stream of exactly the file's bytes: for a <see cref="RdbTransferMode.Disk"/>
/// transfer the announced length, for a <see cref="RdbTransferMode.Diskless"/> one everything before the end mark (the last
/// 40 bytes read are held back until more come or they are the mark). A connection that ends before the RDB does is
/// <see cref="DatabaseConnectionLostException"/>, never a short stream that looks complete.
/// </summary>
public sealed class RdbTransfer : Stream
{
    /// <summary>The length of a diskless transfer's end mark.</summary>
    public const int EndMarkLength = 40;

    private readonly RespConnection _connection;
    private readonly byte[]? _endMark;
    private readonly byte[]? _window;
    private int _windowCount;
    private bool _markSeen;
    private long _position;

    internal RdbTransfer(RespConnection connection, string replicationId, long replicationOffset, long? length, byte[]? endMark)
    {
        _connection = connection;
        ReplicationId = replicationId;
        ReplicationOffset = replicationOffset;
        DeclaredLength = length;
        _endMark = endMark;
        _window = endMark is null ? null : new byte[RespConnection.BufferSize + EndMarkLength];
    }

    /// <summary>The replication id of the server's history the RDB is a snapshot of (<c>+FULLRESYNC &lt;replid&gt; &lt;offset&gt;</c>).</summary>
    public string ReplicationId { get; }

    /// <summary>The replication offset the RDB corresponds to.</summary>
    public long ReplicationOffset { get; }

    /// <summary>The announced length of a disk transfer; null for a diskless one.</summary>
    public long? DeclaredLength { get; }

    /// <summary>How the server sends it.</summary>
    public RdbTransferMode Mode => _endMark is null ? RdbTransferMode.Disk : RdbTransferMode.Diskless;

    /// <summary>RDB bytes handed out so far.</summary>
    public long BytesRead => _position;

    /// <summary>True once the whole RDB was read (the length reached, or the end mark seen and everything before it handed out).</summary>
    public bool Completed => _endMark is null ? _position == DeclaredLength : _markSeen && _windowCount == 0;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => DeclaredLength ?? throw new NotSupportedException("a diskless transfer has no announced length");

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var read = _endMark is null
            ? await ReadSizedAsync(buffer, cancellationToken).ConfigureAwait(false)
            : await ReadUntilMarkAsync(buffer, cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async ValueTask<int> ReadSizedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var remaining = DeclaredLength!.Value - _position;
        if (remaining == 0)
        {
            return 0;
        }

        var read = await _connection.ReadAsync(buffer[..(int)Math.Min(buffer.Length, remaining)], After(), cancellationToken).ConfigureAwait(false);
        return read > 0 ? read : throw _connection.Lost(After(), null);
    }

    private async ValueTask<int> ReadUntilMarkAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var window = _window!;
        while (!_markSeen && _windowCount <= EndMarkLength)
        {
            var read = await _connection.ReadAsync(window.AsMemory(_windowCount, window.Length - _windowCount), After(), cancellationToken)
                .ConfigureAwait(false);
            if (read == 0)
            {
                throw _connection.Lost(After(), null);
            }

            _windowCount += read;
            _markSeen = _windowCount >= EndMarkLength && window.AsSpan(_windowCount - EndMarkLength, EndMarkLength).SequenceEqual(_endMark);
            if (_markSeen)
            {
                _windowCount -= EndMarkLength;
            }
        }

        var available = _markSeen ? _windowCount : _windowCount - EndMarkLength;
        var count = Math.Min(buffer.Length, available);
        window.AsSpan(0, count).CopyTo(buffer.Span);
        window.AsSpan(count, _windowCount - count).CopyTo(window);
        _windowCount -= count;
        return count;
    }

    private string After() => DeclaredLength is { } length
        ? $"{_position} of {length} RDB bytes"
        : $"{_position} RDB bytes of a diskless transfer, before its end mark";
}
