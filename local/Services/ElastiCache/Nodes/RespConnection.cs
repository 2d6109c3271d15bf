using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace DisasterRecovery.LocalElastiCache.Nodes;

/// <summary>
/// The few Redis commands the emulator sends to its own nodes (AUTH, PING, BGSAVE, INFO, SHUTDOWN), over one loopback
/// TCP connection in RESP2. Replies come back as text; an error reply is returned, not thrown, prefixed with "-", so the
/// caller can tell LOADING or "Background save already in progress" apart.
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly BufferedStream _stream;

    private RespConnection(TcpClient client)
    {
        _client = client;
        _stream = new BufferedStream(client.GetStream());
    }

    /// <summary>Connects to a node on 127.0.0.1 and authenticates when it has a password.</summary>
    /// <exception cref="IOException">The node refused the password or the connection broke.</exception>
    /// <exception cref="SocketException">Nothing listens on the port.</exception>
    public static async Task<RespConnection> OpenAsync(int port, string? password, CancellationToken cancellationToken)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
            var connection = new RespConnection(client);
            if (password is not null)
            {
                var reply = await connection.CommandAsync(cancellationToken, "AUTH", password).ConfigureAwait(false);
                if (reply != "OK")
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw new IOException($"the node on port {port} refused the group's password ({reply.Split(' ')[0]})");
                }
            }

            return connection;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and reads its reply: a status or bulk reply as text, an error as "-CODE message".</summary>
    public async Task<string> CommandAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        await _stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _client.Dispose();
    }

    private async Task<string> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        switch (line[0])
        {
            case '+':
            case ':':
                return line[1..];
            case '-':
                return line;
            case '$':
                var length = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return string.Empty;
                }

                var body = new byte[length + 2];
                await _stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
                return Encoding.UTF8.GetString(body, 0, length);
            case '*':
                var count = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                var items = new List<string>();
                for (var i = 0; i < count; i++)
                {
                    items.Add(await ReadReplyAsync(cancellationToken).ConfigureAwait(false));
                }

                return string.Join('\n', items);
            default:
                throw new IOException($"unexpected reply from a node: '{line}'");
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await _stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new IOException("the node closed the connection");
            }

            if (one[0] == '\n' && bytes.Count > 0 && bytes[^1] == '\r')
            {
                return Encoding.UTF8.GetString(bytes.ToArray(), 0, bytes.Count - 1);
            }

            bytes.Add(one[0]);
        }
    }
}
