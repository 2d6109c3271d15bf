using System.Globalization;
using System.Text;

namespace DisasterRecovery.Benchmarks.RedisBackup;

/// <summary>Writes Redis commands in RESP (arrays of bulk strings), as <c>redis-cli --pipe</c> reads them.</summary>
internal sealed class RespWriter(Stream output)
{
    private readonly byte[] _number = new byte[24];

    /// <summary>How many commands were written.</summary>
    public long Commands { get; private set; }

    /// <summary>Writes one command; each argument is a string (UTF-8), a long or bytes.</summary>
    public void Command(params object[] arguments)
    {
        Header('*', arguments.Length);
        foreach (var argument in arguments)
        {
            switch (argument)
            {
                case byte[] bytes:
                    Bulk(bytes);
                    break;
                case ReadOnlyMemory<byte> memory:
                    Bulk(memory.Span);
                    break;
                case long number:
                    Bulk(Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)));
                    break;
                case int number:
                    Bulk(Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)));
                    break;
                case double number:
                    Bulk(Encoding.ASCII.GetBytes(number.ToString("R", CultureInfo.InvariantCulture)));
                    break;
                default:
                    Bulk(Encoding.UTF8.GetBytes((string)argument));
                    break;
            }
        }

        Commands++;
    }

    private void Bulk(ReadOnlySpan<byte> bytes)
    {
        Header('$', bytes.Length);
        output.Write(bytes);
        output.Write("\r\n"u8);
    }

    private void Header(char kind, long length)
    {
        _number[0] = (byte)kind;
        length.TryFormat(_number.AsSpan(1), out var written, provider: CultureInfo.InvariantCulture);
        _number[written + 1] = (byte)'\r';
        _number[written + 2] = (byte)'\n';
        output.Write(_number, 0, written + 3);
    }
}
