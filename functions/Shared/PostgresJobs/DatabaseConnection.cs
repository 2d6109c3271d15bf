using DisasterRecovery.Core;
using DisasterRecovery.Postgres;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// How a request names a database: a Secrets Manager secret with the credentials (RDS format), and optionally the
/// host, port and database, which override the secret's. A restored instance keeps the source's credentials, so a
/// flow passes the source's secret with the new instance's endpoint (from <c>describeDBInstances</c>).
/// </summary>
/// <remarks>Optional fields are nullable: the JSON source generator sets every init property.</remarks>
public sealed record DatabaseConnection
{
    /// <summary>The secret's name or ARN (required).</summary>
    public string? SecretId { get; init; }

    /// <summary>Overrides the secret's host.</summary>
    public string? Host { get; init; }

    /// <summary>Overrides the secret's port.</summary>
    public int? Port { get; init; }

    /// <summary>Overrides the secret's dbname.</summary>
    public string? Database { get; init; }

    /// <summary>libpq sslmode; null leaves libpq's default (prefer).</summary>
    public string? SslMode { get; init; }

    /// <summary>Checks the fields; <see cref="InvalidInputException"/> naming the first bad one (e.g. <c>target.port</c>).</summary>
    public void Validate(string field)
    {
        Require.NotBlank(SecretId, field + ".secretId");
        if (Host is not null)
        {
            Require.NotBlank(Host, field + ".host");
        }

        if (Port is { } port)
        {
            Require.InRange(port, 1, 65535, field + ".port");
        }

        if (Database is not null)
        {
            DatabaseNames.Require(Database, field + ".database");
        }

        if (SslMode is not null and not ("disable" or "allow" or "prefer" or "require" or "verify-ca" or "verify-full"))
        {
            throw new InvalidInputException(field + ".sslMode", $"must be one of disable, allow, prefer, require, verify-ca, verify-full, was '{SslMode}'");
        }
    }

    /// <summary>Reads the secret and builds the endpoint; a value neither the request nor the secret gives is an error naming the field.</summary>
    public async Task<PostgresEndpoint> ResolveAsync(ISecretSource secrets, string field, CancellationToken cancellationToken)
    {
        Validate(field);
        var secret = await DatabaseSecret.ReadAsync(secrets, SecretId!, cancellationToken).ConfigureAwait(false);
        if (secret.Engine is { } engine && !engine.StartsWith("postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidInputException(field + ".secretId", $"secret '{SecretId}' is for engine '{engine}', not postgres");
        }

        var host = Host ?? secret.Host ?? throw new InvalidInputException(field + ".host", $"is not given and secret '{SecretId}' has no host");
        var database = Database ?? secret.Database ?? throw new InvalidInputException(field + ".database", $"is not given and secret '{SecretId}' has no " +
            $"dbname");
        var endpoint = new PostgresEndpoint
        {
            Host = host,
            Port = Port ?? secret.Port ?? 5432,
            Username = secret.Username,
            Password = secret.Password,
            Database = database,
            SslMode = SslMode,
        };
        endpoint.Validate(field);
        return endpoint;
    }
}
