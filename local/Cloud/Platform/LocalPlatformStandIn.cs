using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace DisasterRecovery.LocalCloud.Platform;

/// <summary>
/// A STAND-IN for the technician marketplace's platform API, for local runs only: the real API (and its
/// <c>/health</c>) cannot run on this machine. It serves <c>GET /health</c> on 127.0.0.1 and answers the way the
/// real endpoint is meant to — 200 <c>{"status":"ok","postgres":"ok","redis":"ok"}</c> only when it can actually run
/// <c>SELECT 1</c> on the local PostgreSQL and PING the local Redis, 503 naming the failing part otherwise — so the
/// flows' health checks exercise real dependencies, not a canned answer.
/// Given the local cloud's <see cref="LocalPlatformState"/>, it also follows the emulators, read at every check, as
/// the real backend reads the same two objects: 503 <c>{"status":"stopped",…}</c> while the EKS emulator's
/// production/backend has 0 replicas; the PostgreSQL check connects to the host, port and database of the ConfigMap
/// <c>production/backend-database</c> as the deployment's pods read it when they started (so a patched ConfigMap
/// counts once the deployment has been scaled to 0 and back up, or rolled out), with the username and password of the
/// secret <c>technician-marketplace/postgres</c> (read at each check; its host, port and dbname serve where the
/// ConfigMap has none). Without either it uses the local servers' own settings and the <c>postgres</c> database.
/// See <see cref="LocalPlatformState.DatabaseConnection"/>. The Redis check likewise PINGs the host and port of the ConfigMap
/// <c>production/backend-redis</c> as the pods read it, with the password of the secret <c>technician-marketplace/redis</c>
/// (<see cref="LocalPlatformState.RedisConnection"/>), so a Redis restore's switch counts once the pods have restarted.
/// </summary>
public sealed class LocalPlatformStandIn : IAsyncDisposable
{
    /// <summary>How long one dependency check may take before it counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    private readonly WebApplication _app;
    private readonly LocalServersInfo _servers;
    private volatile LocalPlatformState? _platform;
    private readonly SemaphoreSlim _redisGate = new(1, 1);
    private ConnectionMultiplexer? _redis;
    private (string Host, int Port, string? Password) _redisEndpoint;

    private LocalPlatformStandIn(WebApplication app, LocalServersInfo servers, LocalPlatformState? platform)
    {
        _app = app;
        _servers = servers;
        _platform = platform;
    }

    /// <summary>The stand-in's base URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The health endpoint's URL.</summary>
    public Uri HealthUrl => new(BaseUrl, "health");

    /// <summary>Starts the stand-in on 127.0.0.1 (<paramref name="port"/> 0 picks a free port), checking the servers only.</summary>
    public static Task<LocalPlatformStandIn> StartAsync(LocalServersInfo servers, int port = 0, CancellationToken cancellationToken = default) =>
        StartAsync(servers, null, port, cancellationToken);

    /// <summary>
    /// Starts the stand-in on 127.0.0.1 (<paramref name="port"/> 0 picks a free port), following the platform emulators
    /// in <paramref name="platform"/> (see <see cref="LocalPlatformState.Of"/>) when given.
    /// </summary>
    public static async Task<LocalPlatformStandIn> StartAsync(
        LocalServersInfo servers, LocalPlatformState? platform, int port = 0, CancellationToken cancellationToken = default)
    {
        // No configuration file watchers (each would cost an inotify instance for nothing).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new LocalPlatformStandIn(app, servers, platform);
        app.MapGet("/health", standIn.HealthAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        standIn.BaseUrl = new Uri(app.Urls.First() + "/");
        return standIn;
    }

    /// <summary>
    /// Follows <paramref name="platform"/> from now on: for a stand-in started before the local cloud whose emulators it
    /// follows, so that the cloud's template can name its URL (see LocalParameterValues).
    /// </summary>
    public void Follow(LocalPlatformState platform) => _platform = platform;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_redis is not null)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }

        _redisGate.Dispose();
    }

    private async Task HealthAsync(HttpContext http)
    {
        if (_platform?.BackendReplicas() is { } replicas and <= 0)
        {
            // Scaled to zero (or gone): the real API would not answer at all; the load balancer says 503.
            var stopped = new JsonObject
            {
                ["status"] = "stopped",
                ["deployment"] = $"{PlatformEmulators.Namespace}/{PlatformEmulators.Deployment}",
                ["replicas"] = Math.Max(replicas, 0),
            };
            if (replicas < 0)
            {
                stopped["detail"] = "the deployment does not exist";
            }

            await WriteAsync(http, StatusCodes.Status503ServiceUnavailable, stopped).ConfigureAwait(false);
            return;
        }

        var postgres = CheckPostgresAsync(http.RequestAborted);
        var redis = CheckRedisAsync(http.RequestAborted);
        var (postgresProblem, redisProblem) = (await postgres.ConfigureAwait(false), await redis.ConfigureAwait(false));
        var healthy = postgresProblem is null && redisProblem is null;
        var body = new JsonObject
        {
            ["status"] = healthy ? "ok" : "unhealthy",
            ["postgres"] = postgresProblem is null ? "ok" : "failed: " + postgresProblem,
            ["redis"] = redisProblem is null ? "ok" : "failed: " + redisProblem,
        };
        await WriteAsync(http, healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, body).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted).ConfigureAwait(false);
    }

    private async Task<string?> CheckPostgresAsync(CancellationToken cancellationToken)
    {
        // Read at every check: a flow may have switched the application to another database since the last one.
        var database = (_platform ?? LocalPlatformState.None).DatabaseConnection(_servers, out var problem);
        if (database is null)
        {
            return problem;
        }

        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = database.Host,
            Port = database.Port,
            Username = database.Username,
            Password = database.Password,
            Database = database.DatabaseName,
            Timeout = (int)CheckTimeout.TotalSeconds,
            CommandTimeout = (int)CheckTimeout.TotalSeconds,
            Pooling = true,
        }.ConnectionString;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            var answer = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return answer is 1 ? null : $"SELECT 1 answered {answer}";
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    private async Task<string?> CheckRedisAsync(CancellationToken cancellationToken)
    {
        var connection = (_platform ?? LocalPlatformState.None).RedisConnection(_servers, out var problem);
        if (connection is not { } endpoint)
        {
            return problem;
        }

        try
        {
            var redis = await RedisAsync(endpoint, cancellationToken).ConfigureAwait(false);
            await redis.GetDatabase().PingAsync().WaitAsync(CheckTimeout, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    /// <summary>One connection, kept while the application's Redis stays where it is; a switch (the ConfigMap) connects anew.</summary>
    private async Task<ConnectionMultiplexer> RedisAsync((string Host, int Port, string? Password) endpoint, CancellationToken cancellationToken)
    {
        await _redisGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_redis is { IsConnected: true } && _redisEndpoint == endpoint)
            {
                return _redis;
            }

            if (_redis is not null)
            {
                await _redis.DisposeAsync().ConfigureAwait(false);
                _redis = null;
            }

            var options = new ConfigurationOptions
            {
                EndPoints = { { endpoint.Host, endpoint.Port } },
                Password = endpoint.Password,
                AbortOnConnectFail = true,
                ConnectTimeout = (int)CheckTimeout.TotalMilliseconds,
                SyncTimeout = (int)CheckTimeout.TotalMilliseconds,
                AsyncTimeout = (int)CheckTimeout.TotalMilliseconds,
                ConnectRetry = 1,
            };
            _redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            _redisEndpoint = endpoint;
            return _redis;
        }
        finally
        {
            _redisGate.Release();
        }
    }
}
