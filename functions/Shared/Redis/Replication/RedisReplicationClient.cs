using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using DisasterRecovery.Core;

namespace DisasterRecovery.Redis.Replication;

/// <summary>
/// Fetches a server's RDB as <c>redis-cli --rdb</c> does, as a replica that wants only the snapshot: TCP (or TLS), <c>AUTH</c>,
/// <c>REPLCONF capa eof</c> (diskless transfers accepted), <c>REPLCONF rdb-only 1</c> (no replication stream after it), then
/// <c>PSYNC ? -1</c>, whose <c>+FULLRESYNC &lt;replid&gt; &lt;offset&gt;</c> names the point the snapshot is consistent at.
/// <code>
/// await using var client = await RedisReplicationClient.ConnectAsync(endpoint, null, ct);
/// var info = await client.ReadInfoAsync(ct);
/// await using var rdb = await client.StartRdbTransferAsync(ct);
/// await rdb.CopyToAsync(destination, ct);
/// </code>
/// Errors: <see cref="DatabaseUnreachableException"/> (no connection, TLS refused), <see cref="DatabaseAuthenticationException"/>
/// (<c>WRONGPASS</c>, <c>NOAUTH</c>), <see cref="DatabaseOperationException"/> (a command refused: <c>NOPERM</c>, <c>ERR</c>),
/// <see cref="DatabaseConnectionLostException"/> (dropped, restarted or silent server); a cancellation is passed through.
/// </summary>
public sealed class RedisReplicationClient : IAsyncDisposable
{
    private readonly RespConnection _connection;
    private bool _transferStarted;

    private RedisReplicationClient(RedisEndpoint endpoint, RespConnection connection)
    {
        Endpoint = endpoint;
        _connection = connection;
    }

    /// <summary>The server this client talks to.</summary>
    public RedisEndpoint Endpoint { get; }

    /// <summary>Connects (TLS when the endpoint says so) and authenticates.</summary>
    public static async Task<RedisReplicationClient> ConnectAsync(RedisEndpoint endpoint, RedisReplicationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        endpoint.Validate("redis");
        options ??= RedisReplicationOptions.Default;
        var stream = await OpenStreamAsync(endpoint, options, cancellationToken).ConfigureAwait(false);
        var client = new RedisReplicationClient(endpoint, new RespConnection(stream, endpoint.ToString(), options.IdleTimeout));
        try
        {
            await client.AuthenticateAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The server's version and its keyspace (<c>INFO server</c>, <c>INFO keyspace</c>), read before the transfer.</summary>
    public async Task<RedisServerInfo> ReadInfoAsync(CancellationToken cancellationToken)
    {
        var server = await CommandAsync(["INFO", "server"], cancellationToken).ConfigureAwait(false);
        var keyspace = await CommandAsync(["INFO", "keyspace"], cancellationToken).ConfigureAwait(false);
        return RedisServerInfo.Parse(server.Text ?? string.Empty, keyspace.Text ?? string.Empty);
    }

    /// <summary>
    /// Asks for a full resynchronisation that sends only the RDB and returns once the server starts sending it (after its
    /// keep-alive newlines while it prepares the snapshot). Read the returned stream to its end; then dispose this client.
    /// </summary>
    public async Task<RdbTransfer> StartRdbTransferAsync(CancellationToken cancellationToken)
    {
        if (_transferStarted)
        {
            throw new InvalidOperationException("a replication client fetches one RDB; connect again for another");
        }

        _transferStarted = true;
        await CommandAsync(["REPLCONF", "capa", "eof"], cancellationToken).ConfigureAwait(false);
        await CommandAsync(["REPLCONF", "rdb-only", "1"], cancellationToken).ConfigureAwait(false);
        await _connection.SendAsync(["PSYNC", "?", "-1"], cancellationToken).ConfigureAwait(false);

        var (replicationId, offset) = await ReadFullResyncAsync(cancellationToken).ConfigureAwait(false);
        var header = await ReadPayloadHeaderAsync(cancellationToken).ConfigureAwait(false);
        if (header.StartsWith("EOF:", StringComparison.Ordinal))
        {
            var mark = Encoding.ASCII.GetBytes(header[4..]);
            return mark.Length == RdbTransfer.EndMarkLength
                ? new RdbTransfer(_connection, replicationId, offset, null, mark)
                : throw Unexpected($"$EOF:<{RdbTransfer.EndMarkLength}-byte mark>", "$" + header, "PSYNC");
        }

        return long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? new RdbTransfer(_connection, replicationId, offset, length, null)
            : throw Unexpected("$<length> or $EOF:<mark>", "$" + header, "PSYNC");
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);

    /// <summary>Opens the TCP (and TLS) stream to a server: the restore engine's connections open theirs the same way.</summary>
    internal static async Task<Stream> OpenStreamAsync(RedisEndpoint endpoint, RedisReplicationOptions options, CancellationToken cancellationToken)
    {
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connecting.CancelAfter(options.ConnectTimeout);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port, connecting.Token).ConfigureAwait(false);
            Stream stream = tcp.GetStream();
            if (!endpoint.Tls)
            {
                return new OwningNetworkStream(stream, tcp);
            }

            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(TlsOptions(endpoint), connecting.Token).ConfigureAwait(false);
            return new OwningNetworkStream(ssl, tcp);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            tcp.Dispose();
            throw new DatabaseUnreachableException(
                $"Redis {endpoint} did not {(tcp.Connected ? "complete the TLS handshake" : "accept a connection")} within " +
                $"{options.ConnectTimeout.TotalSeconds:0} s", e);
        }
        catch (SocketException e)
        {
            tcp.Dispose();
            throw new DatabaseUnreachableException($"Redis {endpoint} could not be reached: {e.Message}", e);
        }
        catch (AuthenticationException e)
        {
            tcp.Dispose();
            throw new DatabaseUnreachableException(
                $"Redis {endpoint}: the TLS handshake failed ({e.Message}); check the server's certificate against the secret's caCertificate and host", e);
        }
        catch (IOException e)
        {
            tcp.Dispose();
            throw new DatabaseUnreachableException($"Redis {endpoint}: the connection closed during the {(endpoint.Tls ? "TLS handshake" : "connect")}: " +
                e.Message, e);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    private static SslClientAuthenticationOptions TlsOptions(RedisEndpoint endpoint)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = endpoint.Host };
        if (endpoint.CaCertificatePem is { } pem)
        {
            var authorities = new X509Certificate2Collection();
            try
            {
                authorities.ImportFromPem(pem);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw new InvalidInputException("redis.caCertificate", $"is not a PEM certificate: {e.Message}");
            }

            if (authorities.Count == 0)
            {
                throw new InvalidInputException("redis.caCertificate", "holds no PEM certificate");
            }

            options.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            options.CertificateChainPolicy.CustomTrustStore.AddRange(authorities);
        }

        return options;
    }

    private async Task AuthenticateAsync(CancellationToken cancellationToken)
    {
        if (Endpoint.Password is not { } password)
        {
            return;
        }

        string[] command = Endpoint.Username is { } username ? ["AUTH", username, password] : ["AUTH", password];
        await _connection.SendAsync(command, cancellationToken).ConfigureAwait(false);
        var reply = await _connection.ReadReplyAsync("AUTH", cancellationToken).ConfigureAwait(false);
        if (reply.IsError)
        {
            throw new DatabaseAuthenticationException($"Redis {Endpoint} refused the credentials: {reply.Text}");
        }
    }

    /// <summary>Sends a command and reads its reply; an error reply becomes the error it means, naming the command.</summary>
    private async Task<RespReply> CommandAsync(string[] command, CancellationToken cancellationToken)
    {
        await _connection.SendAsync(command, cancellationToken).ConfigureAwait(false);
        var name = string.Join(' ', command);
        var reply = await _connection.ReadReplyAsync(name, cancellationToken).ConfigureAwait(false);
        return reply.IsError ? throw Refused(name, reply) : reply;
    }

    private Exception Refused(string command, RespReply reply) => reply.ErrorCode switch
    {
        "NOAUTH" or "WRONGPASS" => new DatabaseAuthenticationException($"Redis {Endpoint} refused {command}: {reply.Text}"),
        "NOPERM" => new DatabaseOperationException(
            $"Redis {Endpoint} refused {command} ({reply.Text}); the user needs the replication commands (+psync +replconf, or +@admin)"),
        _ => new DatabaseOperationException($"Redis {Endpoint} refused {command}: {reply.Text}"),
    };

    private async Task<(string ReplicationId, long Offset)> ReadFullResyncAsync(CancellationToken cancellationToken)
    {
        var line = await ReadSkippingKeepAlivesAsync("PSYNC", cancellationToken).ConfigureAwait(false);
        if (line.StartsWith('-'))
        {
            throw Refused("PSYNC ? -1", new RespReply('-', line[1..]));
        }

        var parts = line.Split(' ');
        return parts is ["+FULLRESYNC", var id, var offsetText]
            && long.TryParse(offsetText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset)
            ? (id, offset)
            : throw Unexpected("+FULLRESYNC <replid> <offset>", line, "PSYNC");
    }

    private async Task<string> ReadPayloadHeaderAsync(CancellationToken cancellationToken)
    {
        var line = await ReadSkippingKeepAlivesAsync("+FULLRESYNC", cancellationToken).ConfigureAwait(false);
        if (line.StartsWith('-'))
        {
            throw Refused("PSYNC ? -1", new RespReply('-', line[1..]));
        }

        return line.StartsWith('$') ? line[1..] : throw Unexpected("$<length> or $EOF:<mark>", line, "+FULLRESYNC");
    }

    /// <summary>The next line that is not a keep-alive newline (the server sends one a second while it prepares the RDB).</summary>
    private async Task<string> ReadSkippingKeepAlivesAsync(string after, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await _connection.ReadLineAsync(after, cancellationToken).ConfigureAwait(false);
            if (line.Length > 0)
            {
                return line;
            }
        }
    }

    private DatabaseOperationException Unexpected(string expected, string line, string after) =>
        new($"Redis {Endpoint} sent '{(line.Length > 80 ? line[..80] + "…" : line)}' after {after}, where {expected} was expected");
}
