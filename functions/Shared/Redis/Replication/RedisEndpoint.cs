using DisasterRecovery.Core;

namespace DisasterRecovery.Redis.Replication;

/// <summary>
/// A Redis server to fetch the RDB from: host and port, the credentials (<c>AUTH password</c> or an ACL user's
/// <c>AUTH username password</c>) and, for TLS, the certificate authority that signed the server's certificate.
/// <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record RedisEndpoint
{
    /// <summary>Host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>TCP port (6379 by default on a server).</summary>
    public required int Port { get; init; }

    /// <summary>An ACL user; null authenticates as the <c>default</c> user with <see cref="Password"/> alone.</summary>
    public string? Username { get; init; }

    /// <summary>The password; null sends no AUTH.</summary>
    public string? Password { get; init; }

    /// <summary>Whether to speak TLS.</summary>
    public bool Tls { get; init; }

    /// <summary>
    /// With <see cref="Tls"/>: the PEM certificate(s) of the authority the server's certificate must chain to (the only
    /// trusted roots); null trusts the system's roots. The server's name must match <see cref="Host"/> either way.
    /// </summary>
    public string? CaCertificatePem { get; init; }

    /// <summary>Checks the fields; <see cref="InvalidInputException"/> naming the first bad one under <paramref name="field"/>.</summary>
    public void Validate(string field)
    {
        Require.NotBlank(Host, field + ".host");
        Require.InRange(Port, 1, 65535, field + ".port");
        if (Username is not null)
        {
            Require.NotBlank(Username, field + ".username");
            if (Password is null)
            {
                throw new InvalidInputException(field + ".password", "is required with a username (AUTH username password)");
            }
        }

        if (CaCertificatePem is not null && !Tls)
        {
            throw new InvalidInputException(field + ".caCertificate", "is given but tls is false");
        }
    }

    /// <summary>Everything but the password: <c>user@host:port (tls)</c>.</summary>
    public override string ToString() =>
        $"{(Username is null ? string.Empty : Username + "@")}{Host}:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}" +
        (Tls ? " (tls)" : string.Empty);
}
