using System.Text.Json;
using DisasterRecovery.Core;

namespace DisasterRecovery.Secrets;

/// <summary>
/// A database secret in the format RDS and Secrets Manager's rotation functions use:
/// <c>{"engine","host","port","username","password","dbname"}</c>. Only username and password are required; the
/// rest can come from the request. <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record DatabaseSecret(string Username, string Password, string? Host, int? Port, string? Database, string? Engine)
{
    /// <summary>Reads and parses a database secret.</summary>
    /// <exception cref="SecretFormatException">Not a JSON object, or username/password missing, or port not a port number.</exception>
    public static async Task<DatabaseSecret> ReadAsync(ISecretSource source, string secretId, CancellationToken cancellationToken) =>
        Parse(secretId, await source.GetSecretStringAsync(secretId, cancellationToken).ConfigureAwait(false));

    /// <summary>Parses a SecretString; errors name the secret and the field, never a value.</summary>
    public static DatabaseSecret Parse(string secretId, string secretString)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(secretString);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new SecretFormatException(
                $"secret '{secretId}' is not JSON; a database secret is {{\"username\",\"password\",\"host\",\"port\",\"dbname\"}}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SecretFormatException($"secret '{secretId}' is not a JSON object");
        }

        return new DatabaseSecret(
            RequiredText(root, secretId, "username"),
            RequiredText(root, secretId, "password"),
            OptionalText(root, secretId, "host"),
            OptionalPort(root, secretId),
            OptionalText(root, secretId, "dbname"),
            OptionalText(root, secretId, "engine"));
    }

    /// <summary>Everything but the password.</summary>
    public override string ToString() =>
        $"{Username}@{Host ?? "?"}:{Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}/{Database ?? "?"}";

    private static string RequiredText(JsonElement root, string secretId, string field) =>
        OptionalText(root, secretId, field) is { Length: > 0 } text
            ? text
            : throw new SecretFormatException($"secret '{secretId}' has no '{field}'");

    private static string? OptionalText(JsonElement root, string secretId, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new SecretFormatException($"secret '{secretId}': '{field}' must be a string");
    }

    private static int? OptionalPort(JsonElement root, string secretId)
    {
        if (!root.TryGetProperty("port", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // RDS writes the port as a number; rotation templates sometimes write it as a string.
        var ok = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out var n) ? n : -1,
            JsonValueKind.String => int.TryParse(
                value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1,
            _ => -1,
        };
        return ok is >= 1 and <= 65535 ? ok : throw new SecretFormatException($"secret '{secretId}': 'port' must be a port number (1-65535)");
    }
}
