using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace DisasterRecovery.Audit;

/// <summary>
/// The canonical bytes of an audit event, which its hash covers. UTF-8 JSON with no whitespace,
/// members in this order: eventId, sequence, time (UTC, <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>), action,
/// resource, actor, result, relatedIds, details (keys in ordinal order), previousHash. The stored
/// object is exactly these bytes with <c>,"hash":"&lt;hex&gt;"</c> inserted before the final <c>}</c>, so
/// anyone can check an event with nothing but SHA-256: strip that member and hash the rest.
/// </summary>
public static class AuditCanonicalJson
{
    /// <summary>The previousHash of the first event.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>The canonical bytes of a record (its <see cref="AuditRecord.Hash"/> is ignored).</summary>
    public static byte[] Canonical(AuditRecord record)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("eventId", record.EventId);
            json.WriteNumber("sequence", record.Sequence);
            json.WriteString("time", FormatTime(record.Time));
            json.WriteString("action", record.Action);
            json.WriteString("resource", record.Resource);
            json.WriteString("actor", record.Actor);
            json.WriteString("result", record.Result);
            json.WriteStartArray("relatedIds");
            foreach (var id in record.RelatedIds)
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
            json.WriteStartObject("details");
            foreach (var (key, value) in record.Details.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteString("previousHash", record.PreviousHash);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>SHA-256 (lower-case hex) of the record's canonical bytes.</summary>
    public static string ComputeHash(AuditRecord record) => Convert.ToHexStringLower(SHA256.HashData(Canonical(record)));

    /// <summary>The bytes stored for a record: canonical JSON with its hash as the last member.</summary>
    public static byte[] Stored(AuditRecord record)
    {
        var canonical = Canonical(record);
        var suffix = System.Text.Encoding.UTF8.GetBytes($",\"hash\":\"{record.Hash}\"}}");
        var stored = new byte[canonical.Length - 1 + suffix.Length];
        canonical.AsSpan(0, canonical.Length - 1).CopyTo(stored);
        suffix.CopyTo(stored.AsSpan(canonical.Length - 1));
        return stored;
    }

    /// <summary>Parses stored bytes; null when they are not an audit record.</summary>
    public static AuditRecord? TryParse(ReadOnlySpan<byte> stored, out string? problem)
    {
        try
        {
            var record = JsonSerializer.Deserialize(stored, AuditJsonContext.Default.AuditRecord);
            problem = record is null ? "the object is JSON null" : null;
            return record;
        }
        catch (JsonException e)
        {
            var cut = e.Message.IndexOf(" Path: ", StringComparison.Ordinal);
            problem = $"the object is not a readable audit record: {(cut > 0 ? e.Message[..cut] : e.Message)}";
            return null;
        }
    }

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
