using System.Text;

namespace DisasterRecovery.Redis.Restore;

/// <summary>One RESP2 reply: a status (<c>+</c>), an error (<c>-</c>), an integer (<c>:</c>), a bulk string (<c>$</c>) or an array (<c>*</c>).</summary>
internal sealed class RespValue
{
    public static readonly RespValue Ok = new('+') { Text = "OK" };

    public RespValue(char kind) => Kind = kind;

    public char Kind { get; }

    /// <summary>A status or error line.</summary>
    public string? Text { get; init; }

    /// <summary>An integer reply's value.</summary>
    public long Integer { get; init; }

    /// <summary>A bulk string's bytes (null for the null bulk string).</summary>
    public byte[]? Bulk { get; init; }

    /// <summary>An array's items (null for the null array).</summary>
    public IReadOnlyList<RespValue>? Items { get; init; }

    public bool IsError => Kind == '-';

    /// <summary>An error's code: its first word (<c>BUSYKEY</c>, <c>OOM</c>, <c>WRONGPASS</c>, <c>ERR</c>).</summary>
    public string ErrorCode => IsError && Text is { } text ? text.Split(' ', 2)[0] : string.Empty;

    /// <summary>A status's text, or a bulk string as UTF-8.</summary>
    public string? AsText() => Kind == '$' ? Bulk is null ? null : Encoding.UTF8.GetString(Bulk) : Text;
}
