using System.Net.Sockets;
using System.Text;
using DisasterRecovery.Core;

namespace DisasterRecovery.Redis.Restore;

/// <summary>
/// Reads RESP2 replies from a connection through one buffer. Every wait for bytes is bounded by the idle timeout; a closed,
/// reset or silent connection is <see cref="DatabaseConnectionLostException"/>.
/// </summary>
internal sealed class RespReplyReader(Stream stream, string server, TimeSpan idleTimeout)
{
    private const int BufferSize = 64 * 1024;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    /// <summary>Reads one reply; <paramref name="after"/> names the command it answers, for errors.</summary>
    public async ValueTask<RespValue> ReadAsync(string after, CancellationToken cancellationToken)
    {
        var (kind, line) = await ReadLineAsync(after, cancellationToken).ConfigureAwait(false);
        switch (kind)
        {
            case (byte)'+' when line == "OK":
                return RespValue.Ok;
            case (byte)'+' or (byte)'-':
                return new RespValue((char)kind) { Text = line };
            case (byte)':':
                return new RespValue(':') { Integer = Number(line, after) };
            case (byte)'$':
                var length = Number(line, after);
                if (length < 0)
                {
                    return new RespValue('$');
                }

                var bulk = new byte[length + 2];
                await ReadExactlyAsync(bulk, after, cancellationToken).ConfigureAwait(false);
                return new RespValue('$') { Bulk = bulk[..(int)length] };
            case (byte)'*':
                var count = Number(line, after);
                if (count < 0)
                {
                    return new RespValue('*');
                }

                var items = new List<RespValue>((int)Math.Min(count, 1024));
                for (var i = 0; i < count; i++)
                {
                    items.Add(await ReadAsync(after, cancellationToken).ConfigureAwait(false));
                }

                return new RespValue('*') { Items = items };
            default:
                throw new DatabaseOperationException($"Redis {server} sent '{(char)kind}{line}' after {after}, which is not a RESP2 reply");
        }
    }

    private long Number(string digits, string after) =>
        long.TryParse(digits, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
        && value >= -1 && value < int.MaxValue - 2
            ? value
            : throw new DatabaseOperationException($"Redis {server} sent the length or number '{digits}' after {after}");

    private async ValueTask<(byte Kind, string Line)> ReadLineAsync(string after, CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline > _start)
            {
                var kind = _buffer[_start];
                var end = _buffer[newline - 1] == '\r' ? newline - 1 : newline;
                var line = end - _start == 3 && kind == '+' && _buffer[_start + 1] == 'O' && _buffer[_start + 2] == 'K'
                    ? "OK"
                    : Encoding.UTF8.GetString(_buffer, _start + 1, Math.Max(0, end - _start - 1));
                _start = newline + 1;
                return (kind, line);
            }

            if (newline == _start)
            {
                _start++; // an empty line is no reply
                continue;
            }

            if (_end - _start >= BufferSize)
            {
                throw new DatabaseOperationException($"Redis {server} sent a line longer than {BufferSize} bytes after {after}");
            }

            Compact();
            var read = await FillAsync(_buffer.AsMemory(_end), after, cancellationToken).ConfigureAwait(false);
            _end += read;
        }
    }

    private async ValueTask ReadExactlyAsync(byte[] destination, string after, CancellationToken cancellationToken)
    {
        var offset = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, offset).CopyTo(destination);
        _start += offset;
        while (offset < destination.Length)
        {
            offset += await FillAsync(destination.AsMemory(offset), after, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Compact()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
    }

    /// <summary>Reads at least one byte.</summary>
    private async ValueTask<int> FillAsync(Memory<byte> destination, string after, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        int read;
        try
        {
            read = await stream.ReadAsync(destination, idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatabaseConnectionLostException(
                $"Redis {server} sent nothing for {idleTimeout.TotalSeconds:0} s after {after}; the connection counts as lost", e);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new DatabaseConnectionLostException($"the connection to Redis {server} was lost after {after}: {e.Message}", e);
        }

        return read > 0 ? read : throw new DatabaseConnectionLostException($"Redis {server} closed the connection after {after}");
    }
}
