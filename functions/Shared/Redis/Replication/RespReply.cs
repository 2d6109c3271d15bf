namespace DisasterRecovery.Redis.Replication;

/// <summary>
/// One RESP2 reply the replication handshake reads: a status (<c>+</c>), an error (<c>-</c>), an integer (<c>:</c>) or a bulk
/// string (<c>$</c>).
/// </summary>
/// <param name="Kind">The reply's first byte.</param>
/// <param name="Text">The status or error line, the integer's digits, or the bulk string's content (null for a null bulk string).</param>
internal sealed record RespReply(char Kind, string? Text)
{
    public bool IsError => Kind == '-';

    /// <summary>The error's code: its first word (<c>NOPERM</c>, <c>WRONGPASS</c>, <c>ERR</c>).</summary>
    public string ErrorCode => IsError && Text is { } text ? text.Split(' ', 2)[0] : string.Empty;
}
