using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.LocalSecretsManager;

namespace DisasterRecovery.LocalCloud.Platform;

/// <summary>
/// The application's database secret in the format RDS writes (and Secrets Manager's rotation functions read):
/// <c>{"engine":"postgres","host","port","username","password","dbname"}</c>. Locally it is seeded from the
/// <c>local/servers</c> cluster; a flow that switches the application to a restored database rewrites it with
/// putSecretValue. <see cref="ToString"/> never shows the password.
/// </summary>
/// <param name="Engine">The engine (postgres).</param>
/// <param name="Host">The host.</param>
/// <param name="Port">The port.</param>
/// <param name="Username">The user.</param>
/// <param name="Password">The password.</param>
/// <param name="DatabaseName">The database (dbname).</param>
public sealed record LocalDatabaseSecret(string Engine, string Host, int Port, string Username, string Password, string DatabaseName)
{
    /// <summary>The secret the technician marketplace reads its database connection from.</summary>
    public const string SecretId = "technician-marketplace/postgres";

    /// <summary>The application's database.</summary>
    public const string ApplicationDatabase = "technician_marketplace";

    /// <summary>The secret for the local cluster's superuser and the application's database.</summary>
    public static LocalDatabaseSecret For(LocalServersInfo servers, string databaseName = ApplicationDatabase) =>
        new("postgres", servers.PostgresHost, servers.PostgresPort, servers.PostgresUser, servers.PostgresPassword, databaseName);

    /// <summary>
    /// Creates <see cref="SecretId"/> from a local/servers servers.json unless the secret exists (an existing one,
    /// perhaps switched to a restored database by a flow, is left alone). True when it created it.
    /// </summary>
    /// <exception cref="LocalCloudException">servers.json or its password file cannot be read (the message has no password).</exception>
    public static bool SeedIfAbsent(SecretStore store, string serversJson)
    {
        if (store.Exists(SecretId))
        {
            return false;
        }

        var secret = For(LocalServersInfo.Read(serversJson));
        return store.CreateIfAbsent(SecretId, secret.ToSecretString(), "Local PostgreSQL (local/servers) for the technician marketplace");
    }

    /// <summary>Parses a SecretString; null when it is not a database secret (the reason goes to <paramref name="problem"/>, never a value).</summary>
    public static LocalDatabaseSecret? TryParse(string? secretString, out string? problem)
    {
        problem = null;
        JsonObject? json;
        try
        {
            json = secretString is null ? null : JsonNode.Parse(secretString) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is null)
        {
            problem = "it is not a JSON object";
            return null;
        }

        var host = Text(json, "host");
        var username = Text(json, "username");
        var password = Text(json, "password");
        var port = json["port"] switch
        {
            JsonValue v when v.TryGetValue<int>(out var n) => n,
            JsonValue v when v.TryGetValue<string>(out var s)
                && int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
            null => 5432,
            _ => -1,
        };
        var missing =
            new[] { ("host", host), ("username", username), ("password", password) }.Where(f => string.IsNullOrEmpty(f.Item2)).Select(f => f.Item1).ToList();
        if (missing.Count > 0 || port is < 1 or > 65535)
        {
            problem = missing.Count > 0 ? $"it has no {string.Join(", ", missing)}" : "its port is not a port number";
            return null;
        }

        return new LocalDatabaseSecret(Text(json, "engine") ?? "postgres", host!, port, username!, password!, Text(json, "dbname") ?? "postgres");
    }

    /// <summary>The SecretString: RDS's JSON.</summary>
    public string ToSecretString() => new JsonObject
    {
        ["engine"] = Engine,
        ["host"] = Host,
        ["port"] = Port,
        ["username"] = Username,
        ["password"] = Password,
        ["dbname"] = DatabaseName,
    }.ToJsonString();

    /// <summary>Everything but the password.</summary>
    public override string ToString() => $"{Engine}://{Username}@{Host}:{Port}/{DatabaseName}";

    private static string? Text(JsonObject json, string name) => json[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
