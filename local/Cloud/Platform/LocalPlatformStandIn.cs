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
/// </summary>
public sealed class LocalPlatformStandIn : IAsyncDisposable
{
    /// <summary>How long one dependency check may take before it counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    private readonly WebApplication _app;
    private readonly LocalServersInfo _servers;
    private readonly SemaphoreSlim _redisGate = new(1, 1);
    private ConnectionMultiplexer? _redis;

    private LocalPlatformStandIn(WebApplication app, LocalServersInfo servers)
    {
        _app = app;
        _servers = servers;
    }

    /// <summary>The stand-in's base URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The health endpoint's URL.</summary>
    public Uri HealthUrl => new(BaseUrl, "health");

    /// <summary>Starts the stand-in on 127.0.0.1 (<paramref name="port"/> 0 picks a free port).</summary>
    public static async Task<LocalPlatformStandIn> StartAsync(LocalServersInfo servers, int port = 0, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new LocalPlatformStandIn(app, servers);
        app.MapGet("/health", standIn.HealthAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        standIn.BaseUrl = new Uri(app.Urls.First() + "/");
        return standIn;
    }

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
        http.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted).ConfigureAwait(false);
    }

    private async Task<string?> CheckPostgresAsync(CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = _servers.PostgresHost,
            Port = _servers.PostgresPort,
            Username = _servers.PostgresUser,
            Password = _servers.PostgresPassword,
            Database = "postgres",
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
        try
        {
            var redis = await RedisAsync(cancellationToken).ConfigureAwait(false);
            await redis.GetDatabase().PingAsync().WaitAsync(CheckTimeout, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    private async Task<ConnectionMultiplexer> RedisAsync(CancellationToken cancellationToken)
    {
        await _redisGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_redis is { IsConnected: true })
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
                EndPoints = { { _servers.RedisHost, _servers.RedisPort } },
                Password = _servers.RedisPassword,
                AbortOnConnectFail = true,
                ConnectTimeout = (int)CheckTimeout.TotalMilliseconds,
                SyncTimeout = (int)CheckTimeout.TotalMilliseconds,
                AsyncTimeout = (int)CheckTimeout.TotalMilliseconds,
                ConnectRetry = 1,
            };
            _redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            return _redis;
        }
        finally
        {
            _redisGate.Release();
        }
    }
}
