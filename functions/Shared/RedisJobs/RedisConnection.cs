using DisasterRecovery.Core;
using DisasterRecovery.Redis.Replication;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// How a request names a Redis server: a Secrets Manager secret (<see cref="RedisSecret"/>) and optionally the host and
/// port, which override the secret's (a new server keeps the source's credentials).
/// </summary>
/// <remarks>Optional fields are nullable: the JSON source generator sets every init property.</remarks>
public sealed record RedisConnection
{
    /// <summary>The secret's name or ARN (required).</summary>
    public string? SecretId { get; init; }

    /// <summary>Overrides the secret's host.</summary>
    public string? Host { get; init; }

    /// <summary>Overrides the secret's port.</summary>
    public int? Port { get; init; }

    /// <summary>Checks the fields; <see cref="InvalidInputException"/> naming the first bad one (e.g. <c>redis.port</c>).</summary>
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
    }

    /// <summary>Reads the secret and builds the endpoint; a value neither the request nor the secret gives is an error naming the field.</summary>
    public async Task<RedisEndpoint> ResolveAsync(ISecretSource secrets, string field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        Validate(field);
        var secret = await RedisSecret.ReadAsync(secrets, SecretId!, cancellationToken).ConfigureAwait(false);
        var endpoint = new RedisEndpoint
        {
            Host = Host ?? secret.Host ?? throw new InvalidInputException(field + ".host", $"is not given and secret '{SecretId}' has no host"),
            Port = Port ?? secret.Port ?? 6379,
            Username = secret.Username,
            Password = secret.Password,
            Tls = secret.Tls ?? false,
            CaCertificatePem = secret.CaCertificatePem,
        };
        endpoint.Validate(field);
        return endpoint;
    }
}
