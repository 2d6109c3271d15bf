using System.Globalization;
using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Redis.Replication;

namespace DisasterRecovery.Redis.Restore;

/// <summary>
/// A client connection for the restore: connected and authenticated as the replication client is (TLS, AUTH with a password
/// or an ACL user), binary commands out (<see cref="RespCommandWriter"/>), replies in order (<see cref="RespReplyReader"/>).
/// A command may be sent before the previous replies were read: that is the pipeline.
/// </summary>
internal sealed class RedisCommandConnection : IAsyncDisposable
{
    private readonly Stream _stream;

    private RedisCommandConnection(RedisEndpoint endpoint, Stream stream, TimeSpan idleTimeout)
    {
        Endpoint = endpoint;
        _stream = stream;
        Writer = new RespCommandWriter(stream, endpoint.ToString());
        Reader = new RespReplyReader(stream, endpoint.ToString(), idleTimeout);
    }

    public RedisEndpoint Endpoint { get; }

    public RespCommandWriter Writer { get; }

    public RespReplyReader Reader { get; }

    /// <summary>
    /// Connects and authenticates; a wrong password is <see cref="DatabaseAuthenticationException"/>, no server
    /// <see cref="DatabaseUnreachableException"/>.
    /// </summary>
    public static async Task<RedisCommandConnection> ConnectAsync(RedisEndpoint endpoint, RedisReplicationOptions options, CancellationToken cancellationToken)
    {
        endpoint.Validate("target");
        var stream = await RedisReplicationClient.OpenStreamAsync(endpoint, options, cancellationToken).ConfigureAwait(false);
        var connection = new RedisCommandConnection(endpoint, stream, options.IdleTimeout);
        try
        {
            if (endpoint.Password is { } password)
            {
                string[] auth = endpoint.Username is { } user ? ["AUTH", user, password] : ["AUTH", password];
                var reply = await connection.CallAsync(auth, "AUTH", cancellationToken).ConfigureAwait(false);
                if (reply.IsError)
                {
                    throw new DatabaseAuthenticationException($"Redis {endpoint} refused the credentials: {reply.Text}");
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends one command and reads its reply (an error reply is returned, not thrown). <paramref name="name"/> names it in errors.</summary>
    public async Task<RespValue> CallAsync(IReadOnlyList<string> command, string name, CancellationToken cancellationToken)
    {
        await Writer.WriteAsync([.. command.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a))], cancellationToken).ConfigureAwait(false);
        await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await Reader.ReadAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one command; an error reply is thrown as the error it means (<c>NOAUTH</c> and <c>WRONGPASS</c>: authentication).</summary>
    public async Task<RespValue> CommandAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var name = string.Join(' ', command);
        var reply = await CallAsync(command, name, cancellationToken).ConfigureAwait(false);
        return !reply.IsError
            ? reply
            : reply.ErrorCode is "NOAUTH" or "WRONGPASS"
                ? throw new DatabaseAuthenticationException($"Redis {Endpoint} refused {name}: {reply.Text}")
                : throw new DatabaseOperationException($"Redis {Endpoint} refused {name}: {reply.Text}");
    }

    /// <summary>
    /// How many databases the server has (<c>CONFIG GET databases</c>); null when the server does not let us ask (ElastiCache
    /// renames CONFIG), in which case each database is tried with <c>SELECT</c>.
    /// </summary>
    public async Task<int?> DatabaseCountAsync(CancellationToken cancellationToken)
    {
        var reply = await CallAsync(["CONFIG", "GET", "databases"], "CONFIG GET databases", cancellationToken).ConfigureAwait(false);
        if (reply.ErrorCode is "NOAUTH" or "WRONGPASS")
        {
            throw new DatabaseAuthenticationException($"Redis {Endpoint} refused CONFIG GET databases: {reply.Text}");
        }

        return reply.Items is [_, { } value] && int.TryParse(value.AsText(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
    }

    /// <summary>The server's <c>redis_version</c> (INFO server), for messages; "unknown" when INFO is refused.</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        var reply = await CallAsync(["INFO", "server"], "INFO server", cancellationToken).ConfigureAwait(false);
        var line = reply.AsText()?.Split('\n').FirstOrDefault(l => l.StartsWith("redis_version:", StringComparison.Ordinal));
        return line is null ? "unknown" : line["redis_version:".Length..].Trim();
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync().ConfigureAwait(false);
}
