namespace DisasterRecovery.Redis.Replication;

/// <summary>How long the replication client waits before it gives a server up.</summary>
public sealed record RedisReplicationOptions
{
    /// <summary>The default options: 10 s to connect, 60 s without a byte (Redis' own <c>repl-timeout</c>).</summary>
    public static RedisReplicationOptions Default { get; } = new();

    /// <summary>How long the TCP connection and the TLS handshake may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the server may send nothing, not even a keep-alive newline, before the connection counts as lost. The server
    /// sends a newline every second while it prepares the RDB, so a silence this long means it is gone.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
