using System.Net.Sockets;
using System.Text;

namespace DisasterRecovery.Benchmarks.RedisBackup;

/// <summary>
/// The benchmark's own minimal Redis client over one socket: one command, one reply (status, error, integer or bulk).
/// Small on purpose: the latency sampler must cost the server one PING and nothing else, and a server still loading its
/// RDB answers <c>-LOADING</c>, which this client hands back instead of throwing.
/// </summary>
internal sealed class RawRedisClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly BufferedStream _stream;
    private readonly RespWriter _writer;

    private RawRedisClient(TcpClient tcp)
    {
        _tcp = tcp;
        _tcp.NoDelay = true;
        _stream = new BufferedStream(tcp.GetStream(), 1 << 16);
        _writer = new RespWriter(_stream);
    }

    /// <summary>Connects (no AUTH); throws <see cref="SocketException"/> while nothing listens.</summary>
    public static RawRedisClient Connect(int port)
    {
        var tcp = new TcpClient();
        try
        {
            tcp.Connect("127.0.0.1", port);
            return new RawRedisClient(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends a command and reads its reply as text; an error reply comes back starting with <c>-</c>.</summary>
    public string Call(params object[] arguments)
    {
        _writer.Command(arguments);
        _stream.Flush();
        return ReadReply();
    }

    /// <summary>Sends a command that expects an OK or a bulk reply; an error reply throws.</summary>
    public string Require(params object[] arguments)
    {
        var reply = Call(arguments);
        return reply.StartsWith('-') ? throw new InvalidOperationException($"{arguments[0]}: {reply}") : reply;
    }

    /// <summary>One field of <c>INFO</c> as a number.</summary>
    public long InfoNumber(string section, string field)
    {
        var info = Require("INFO", section);
        var line = info.Split("\r\n").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"INFO {section} has no {field}");
        return long.Parse(line[(field.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The keys in all databases (<c>INFO keyspace</c>).</summary>
    public long KeyCount() =>
        Keyspace().Sum(l => long.Parse(l.Split(':')[1].Split(',')[0]["keys=".Length..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The <c>INFO keyspace</c> lines (<c>db0:keys=…,expires=…,avg_ttl=…</c>).</summary>
    public List<string> Keyspace() => [.. Require("INFO", "keyspace").Split("\r\n").Where(l => l.StartsWith("db", StringComparison.Ordinal))];

    private string ReadReply()
    {
        var line = ReadLine();
        switch (line[0])
        {
            case '+' or '-' or ':':
                return line;
            case '$':
                var length = int.Parse(line.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return string.Empty;
                }

                var bytes = new byte[length + 2];
                _stream.ReadExactly(bytes);
                return Encoding.UTF8.GetString(bytes, 0, length);
            case '*':
                var count = int.Parse(line.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                var items = new List<string>();
                for (var n = 0; n < count; n++)
                {
                    items.Add(ReadReply());
                }

                return string.Join('\n', items);
            default:
                throw new InvalidOperationException("unexpected reply " + line);
        }
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            var b = _stream.ReadByte();
            if (b < 0)
            {
                throw new EndOfStreamException("the server closed the connection");
            }

            if (b == '\n' && line.Length > 0 && line[^1] == '\r')
            {
                return line.ToString(0, line.Length - 1);
            }

            line.Append((char)b);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }
}
