using System.Globalization;
using System.Net.Sockets;
using System.Text;
using DisasterRecovery.Core;

namespace DisasterRecovery.Redis.Replication;

/// <summary>
/// The byte level of a connection to Redis: RESP2 commands out, lines, replies and raw bytes in, through one fixed buffer so
/// the memory a transfer uses does not grow with the RDB. Every read waits at most the idle timeout; a closed or reset
/// connection, or a silent one, is <see cref="DatabaseConnectionLostException"/>.
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    internal const int BufferSize = 64 * 1024;
    private const int MaxLineLength = BufferSize;

    private readonly Stream _stream;
    private readonly string _server;
    private readonly TimeSpan _idleTimeout;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    public RespConnection(Stream stream, string server, TimeSpan idleTimeout)
    {
        _stream = stream;
        _server = server;
        _idleTimeout = idleTimeout;
    }

    /// <summary>Sends one command as a RESP array of bulk strings.</summary>
    public async Task SendAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"*{arguments.Count}\r\n");
        foreach (var argument in arguments)
        {
            text.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(argument)}\r\n").Append(argument).Append("\r\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw Lost($"sending {arguments[0]}", e);
        }
    }

    /// <summary>Reads one reply (status, error, integer or bulk string).</summary>
    public async Task<RespReply> ReadReplyAsync(string after, CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(after, cancellationToken).ConfigureAwait(false);
        if (line.Length == 0)
        {
            throw new DatabaseOperationException($"Redis {_server} sent an empty line after {after}, where a reply was expected");
        }

        var kind = line[0];
        var rest = line[1..];
        if (kind != '$')
        {
            return kind is '+' or '-' or ':'
                ? new RespReply(kind, rest)
                : throw new DatabaseOperationException($"Redis {_server} sent '{Printable(line)}' after {after}, which is not a RESP2 reply");
        }

        var length = ParseLength(rest, after);
        if (length < 0)
        {
            return new RespReply('$', null);
        }

        var content = new byte[length + 2];
        await ReadExactlyAsync(content, after, cancellationToken).ConfigureAwait(false);
        return new RespReply('$', Encoding.UTF8.GetString(content, 0, (int)length));
    }

    /// <summary>Reads one line, without its CR LF (a keep-alive newline is an empty line).</summary>
    public async Task<string> ReadLineAsync(string after, CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var end = newline > _start && _buffer[newline - 1] == '\r' ? newline - 1 : newline;
                var line = Encoding.ASCII.GetString(_buffer, _start, end - _start);
                _start = newline + 1;
                return line;
            }

            if (_end - _start >= MaxLineLength)
            {
                throw new DatabaseOperationException($"Redis {_server} sent a line longer than {MaxLineLength} bytes after {after}");
            }

            Compact();
            if (await FillAsync(_buffer.AsMemory(_end), after, cancellationToken).ConfigureAwait(false) is var read && read == 0)
            {
                throw Lost(after, null);
            }

            _end += read;
        }
    }

    /// <summary>Reads up to <paramref name="destination"/>'s length: buffered bytes first, then the socket; 0 only at the end of the connection.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, string after, CancellationToken cancellationToken)
    {
        if (_end > _start)
        {
            var count = Math.Min(destination.Length, _end - _start);
            _buffer.AsMemory(_start, count).CopyTo(destination);
            _start += count;
            return count;
        }

        return await FillAsync(destination, after, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync().ConfigureAwait(false);

    /// <summary>The error for a connection that ended (or went silent) while <paramref name="after"/>.</summary>
    public DatabaseConnectionLostException Lost(string after, Exception? inner) =>
        new($"the connection to Redis {_server} was lost {(after.StartsWith("sending", StringComparison.Ordinal) ? after : "after " + after)}" +
            (inner is null ? string.Empty : $": {inner.Message}"), inner);

    private static string Printable(string line) => line.Length > 80 ? line[..80] + "…" : line;

    private long ParseLength(string digits, string after) =>
        long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var length) && length >= -1 && length < int.MaxValue - 2
            ? length
            : throw new DatabaseOperationException($"Redis {_server} sent a bulk length '{Printable(digits)}' after {after}");

    private async Task ReadExactlyAsync(byte[] destination, string after, CancellationToken cancellationToken)
    {
        var offset = 0;
        while (offset < destination.Length)
        {
            var read = await ReadAsync(destination.AsMemory(offset), after, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw Lost(after, null);
            }

            offset += read;
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

    private async ValueTask<int> FillAsync(Memory<byte> destination, string after, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_idleTimeout);
        try
        {
            return await _stream.ReadAsync(destination, idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatabaseConnectionLostException(
                $"Redis {_server} sent nothing for {_idleTimeout.TotalSeconds:0} s after {after}; the connection counts as lost", e);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw Lost(after, e);
        }
    }
}
