using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using DisasterRecovery.Core;

namespace DisasterRecovery.Redis.Restore;

/// <summary>
/// Writes commands as RESP arrays of binary bulk strings into one buffer, sent when it fills or on <see cref="FlushAsync"/>:
/// many small commands go out in few writes (pipelining), and a large argument (a 100 MB value) is written straight from its
/// array, never copied into the buffer.
/// </summary>
internal sealed class RespCommandWriter(Stream stream, string server)
{
    private const int SendAt = 64 * 1024;
    private const int DirectAt = 16 * 1024;
    private readonly ArrayBufferWriter<byte> _buffer = new(SendAt + DirectAt);

    /// <summary>The bytes handed to the connection so far.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Buffers one command (sent when the buffer fills); returns its size in bytes.</summary>
    public async ValueTask<long> WriteAsync(IReadOnlyList<ReadOnlyMemory<byte>> arguments, CancellationToken cancellationToken)
    {
        long size = 0;
        size += Header((byte)'*', arguments.Count);
        foreach (var argument in arguments)
        {
            size += Header((byte)'$', argument.Length) + argument.Length + 2;
            if (argument.Length >= DirectAt)
            {
                await SendBufferAsync(cancellationToken).ConfigureAwait(false);
                await SendAsync(argument, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _buffer.Write(argument.Span);
            }

            _buffer.Write("\r\n"u8);
        }

        if (_buffer.WrittenCount >= SendAt)
        {
            await SendBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        return size;
    }

    /// <summary>Sends what is buffered.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await SendBufferAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new DatabaseConnectionLostException($"the connection to Redis {server} was lost while sending: {e.Message}", e);
        }
    }

    private int Header(byte kind, int count)
    {
        var span = _buffer.GetSpan(16);
        span[0] = kind;
        Utf8Formatter.TryFormat(count, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        _buffer.Advance(3 + written);
        return 3 + written;
    }

    private async ValueTask SendBufferAsync(CancellationToken cancellationToken)
    {
        if (_buffer.WrittenCount > 0)
        {
            await SendAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            _buffer.ResetWrittenCount();
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            BytesSent += bytes.Length;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new DatabaseConnectionLostException($"the connection to Redis {server} was lost while sending: {e.Message}", e);
        }
    }
}
