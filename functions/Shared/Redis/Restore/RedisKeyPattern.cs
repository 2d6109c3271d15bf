using System.Text;

namespace DisasterRecovery.Redis.Restore;

/// <summary>
/// A Redis glob pattern, matched exactly as <c>KEYS</c> and <c>SCAN MATCH</c> match (Redis' <c>stringmatchlen</c>):
/// <c>*</c> any run of bytes, <c>?</c> one byte, <c>[abc]</c>, <c>[^abc]</c>, <c>[a-z]</c> one byte of a set, <c>\x</c> the byte
/// x itself. Keys are bytes: the pattern is compared as its UTF-8 bytes.
/// </summary>
public sealed class RedisKeyPattern
{
    private readonly byte[] _pattern;

    public RedisKeyPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Text = pattern;
        _pattern = Encoding.UTF8.GetBytes(pattern);
    }

    /// <summary>The pattern as given.</summary>
    public string Text { get; }

    /// <summary>Whether <paramref name="key"/> matches.</summary>
    public bool Matches(ReadOnlySpan<byte> key)
    {
        var skipLongerMatches = false;
        return Match(_pattern, key, ref skipLongerMatches);
    }

    public override string ToString() => Text;

    // A port of Redis' stringmatchlen_impl (util.c), with bounds checks where C reads the terminating NUL.
    private static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, ref bool skipLongerMatches)
    {
        while (pattern.Length > 0 && text.Length > 0)
        {
            switch (pattern[0])
            {
                case (byte)'*':
                    while (pattern.Length > 1 && pattern[1] == '*')
                    {
                        pattern = pattern[1..];
                    }

                    if (pattern.Length == 1)
                    {
                        return true;
                    }

                    while (text.Length > 0)
                    {
                        if (Match(pattern[1..], text, ref skipLongerMatches))
                        {
                            return true;
                        }

                        if (skipLongerMatches)
                        {
                            return false;
                        }

                        text = text[1..];
                    }

                    skipLongerMatches = true;
                    return false;
                case (byte)'?':
                    text = text[1..];
                    break;
                case (byte)'[':
                    if (!MatchSet(ref pattern, text[0]))
                    {
                        return false;
                    }

                    text = text[1..];
                    break;
                default:
                    if (pattern[0] == '\\' && pattern.Length >= 2)
                    {
                        pattern = pattern[1..];
                    }

                    if (pattern[0] != text[0])
                    {
                        return false;
                    }

                    text = text[1..];
                    break;
            }

            pattern = pattern[1..];
            if (text.Length == 0)
            {
                while (pattern.Length > 0 && pattern[0] == '*')
                {
                    pattern = pattern[1..];
                }

                break;
            }
        }

        return pattern.Length == 0 && text.Length == 0;
    }

    /// <summary>Matches one byte against <c>[...]</c>; leaves <paramref name="pattern"/> on the closing bracket (or the last byte).</summary>
    private static bool MatchSet(ref ReadOnlySpan<byte> pattern, byte c)
    {
        pattern = pattern[1..];
        var negate = pattern.Length > 0 && pattern[0] == '^';
        if (negate)
        {
            pattern = pattern[1..];
        }

        var match = false;
        while (true)
        {
            if (pattern.Length == 0)
            {
                // An unterminated set: step back so the caller's step lands at the end (as Redis does).
                pattern = [(byte)']'];
                break;
            }

            if (pattern[0] == '\\' && pattern.Length >= 2)
            {
                pattern = pattern[1..];
                match |= pattern[0] == c;
            }
            else if (pattern[0] == ']')
            {
                break;
            }
            else if (pattern.Length >= 3 && pattern[1] == '-')
            {
                var (start, end) = pattern[0] <= pattern[2] ? (pattern[0], pattern[2]) : (pattern[2], pattern[0]);
                pattern = pattern[2..];
                match |= c >= start && c <= end;
            }
            else
            {
                match |= pattern[0] == c;
            }

            pattern = pattern[1..];
        }

        return negate ? !match : match;
    }
}
