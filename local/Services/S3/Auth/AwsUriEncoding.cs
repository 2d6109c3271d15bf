using System.Text;
using DisasterRecovery.LocalS3.Http;

namespace DisasterRecovery.LocalS3.Auth;

/// <summary>
/// Percent-encoding exactly as SigV4 defines it: every byte of the UTF-8 form except A-Z a-z 0-9 - _ . ~
/// is encoded, upper-case hex, and S3 paths are encoded once (never twice, unlike other services).
/// </summary>
internal static class AwsUriEncoding
{
    private const string HexDigits = "0123456789ABCDEF";

    public static string Encode(string value, bool encodeSlash)
    {
        var builder = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < length; i++)
            {
                var b = utf8[i];
                if (IsUnreserved(b) || (b == (byte)'/' && !encodeSlash))
                {
                    builder.Append((char)b);
                }
                else
                {
                    builder.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
                }
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Decodes %XX escapes into UTF-8 text. '+' stays a plus sign: SigV4 clients encode spaces as %20,
    /// and S3 keys may legitimately contain '+'.
    /// </summary>
    public static string Decode(string value)
    {
        if (value.IndexOf('%') < 0)
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes.Add((byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                var text = char.IsHighSurrogate(c) && i + 1 < value.Length ? value.Substring(i++, 2) : c.ToString();
                var length = Encoding.UTF8.GetBytes(text, utf8);
                for (var j = 0; j < length; j++)
                {
                    bytes.Add(utf8[j]);
                }
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new S3Exception(S3Errors.InvalidURI);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool IsUnreserved(byte b) =>
        b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
