using System.Globalization;
using System.Text.Json;
using DisasterRecovery.Core;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// A Redis secret: <c>{"host","port","username"?,"password","tls"?,"caCertificate"?,"engine"?}</c>. The password is required
/// (the servers we protect all ask for one); <c>username</c> names an ACL user (else <c>default</c>); <c>tls</c> is true or
/// false; <c>caCertificate</c> the PEM of the authority that signed the server's certificate. Any other field is refused by
/// name, so a typo (<c>"passwd"</c>) is an error rather than a silently missing value. <see cref="ToString"/> never shows the
/// password or the certificate.
/// </summary>
public sealed record RedisSecret(string? Host, int? Port, string? Username, string Password, bool? Tls, string? CaCertificatePem)
{
    private static readonly string[] Fields = ["host", "port", "username", "password", "tls", "caCertificate", "engine"];

    /// <summary>Reads and parses a Redis secret.</summary>
    /// <exception cref="SecretFormatException">Not a JSON object, an unknown field, a field of the wrong type, or no password.</exception>
    public static async Task<RedisSecret> ReadAsync(ISecretSource source, string secretId, CancellationToken cancellationToken) =>
        Parse(secretId, await source.GetSecretStringAsync(secretId, cancellationToken).ConfigureAwait(false));

    /// <summary>Parses a SecretString; errors name the secret and the field, never a value.</summary>
    public static RedisSecret Parse(string secretId, string secretString)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(secretString);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new SecretFormatException($"secret '{secretId}' is not JSON; a Redis secret is {{\"host\",\"port\",\"username\",\"password\",\"tls\"}}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SecretFormatException($"secret '{secretId}' is not a JSON object");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new SecretFormatException($"secret '{secretId}' has an unknown field '{property.Name}'; a Redis secret has {string.Join(", ", Fields)}");
            }
        }

        if (Text(root, secretId, "engine") is { } engine && !engine.Equals("redis", StringComparison.OrdinalIgnoreCase))
        {
            throw new SecretFormatException($"secret '{secretId}': 'engine' is '{engine}', not redis");
        }

        return new RedisSecret(
            Text(root, secretId, "host"),
            PortNumber(root, secretId),
            Text(root, secretId, "username"),
            Text(root, secretId, "password") is { Length: > 0 } password ? password : throw new SecretFormatException($"secret '{secretId}' has no 'password'"),
            Flag(root, secretId, "tls"),
            Text(root, secretId, "caCertificate"));
    }

    /// <summary>Everything but the password and certificate.</summary>
    public override string ToString() =>
        $"{(Username is null ? string.Empty : Username + "@")}{Host ?? "?"}:{Port?.ToString(CultureInfo.InvariantCulture) ?? "?"}" +
        (Tls == true ? " (tls)" : string.Empty);

    private static string? Text(JsonElement root, string secretId, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new SecretFormatException($"secret '{secretId}': '{field}' must be a string");
    }

    private static bool? Flag(JsonElement root, string secretId, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new SecretFormatException($"secret '{secretId}': '{field}' must be true or false"),
        };
    }

    private static int? PortNumber(JsonElement root, string secretId)
    {
        if (!root.TryGetProperty("port", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var port = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out var n) ? n : -1,
            JsonValueKind.String => int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1,
            _ => -1,
        };
        return port is >= 1 and <= 65535 ? port : throw new SecretFormatException($"secret '{secretId}': 'port' must be a port number (1-65535)");
    }
}
