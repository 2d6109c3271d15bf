namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// LZF, the compression Redis applies to strings over 20 bytes when `rdbcompression` is on. A compressed string is a
/// run of literal runs (control byte &lt; 32: that many plus one bytes follow) and back references (the top three bits
/// of the control byte are the length less two, 7 meaning one more length byte; then the distance, at most 8 KB back).
/// </summary>
internal static class Lzf
{
    private const int Window = 1 << 14;

    /// <summary>Decompresses into <paramref name="output"/>; returns a description of the problem, or null when exact.</summary>
    public static string? Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var produced = Run(input, output, output.Length, ring: false);
        return produced;
    }

    /// <summary>Checks that the input decompresses to exactly <paramref name="length"/> bytes, keeping only an 8 KB window.</summary>
    public static string? Validate(ReadOnlySpan<byte> input, long length)
    {
        Span<byte> window = stackalloc byte[Window];
        return Run(input, window, length, ring: true);
    }

    private static string? Run(ReadOnlySpan<byte> input, Span<byte> output, long length, bool ring)
    {
        const int mask = Window - 1;
        var ip = 0;
        long op = 0;
        while (ip < input.Length)
        {
            int control = input[ip++];
            if (control < 32)
            {
                var run = control + 1;
                if (ip + run > input.Length)
                {
                    return $"a literal run of {run} bytes at compressed byte {ip - 1} passes the end of the compressed data";
                }

                if (op + run > length)
                {
                    return $"the literal run at compressed byte {ip - 1} makes the string longer than its declared {length} bytes";
                }

                for (var i = 0; i < run; i++)
                {
                    output[(int)(ring ? (op + i) & mask : op + i)] = input[ip + i];
                }

                ip += run;
                op += run;
                continue;
            }

            var copy = control >> 5;
            if (copy == 7)
            {
                if (ip >= input.Length)
                {
                    return $"the back reference at compressed byte {ip - 1} is cut short";
                }

                copy += input[ip++];
            }

            if (ip >= input.Length)
            {
                return $"the back reference at compressed byte {ip - 1} is cut short";
            }

            var from = op - ((control & 0x1f) << 8) - input[ip++] - 1;
            copy += 2;
            if (from < 0)
            {
                return $"the back reference at compressed byte {ip - 2} points before the start of the string";
            }

            if (op + copy > length)
            {
                return $"the back reference at compressed byte {ip - 2} makes the string longer than its declared {length} bytes";
            }

            for (var i = 0; i < copy; i++)
            {
                var source = from + i;
                var target = op + i;
                output[(int)(ring ? target & mask : target)] = output[(int)(ring ? source & mask : source)];
            }

            op += copy;
        }

        return op == length ? null : $"the compressed data gives {op} bytes, not the declared {length}";
    }
}
