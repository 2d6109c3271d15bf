using System.Globalization;
using DisasterRecovery.Core;
using DisasterRecovery.Lambda;
using DisasterRecovery.Redis.Replication;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// The restore flow's first look at the damaged Redis: INFO server, memory, replication and keyspace. A server that is down, refuses
/// the credentials or cannot be resolved is the finding (<see cref="RedisAssessResult.Reachable"/> false, the problem named), not
/// a failure: the restore goes on. Bad input (a malformed connection) still fails, naming the field.
/// </summary>
public sealed class RedisAssessJob(RedisJobServices services)
{
    /// <summary>How long the assessment may take to reach a server that does not answer.</summary>
    public static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(10);

    public async Task<RedisAssessResult> RunAsync(RedisAssessRequest request, ILambdaContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var now = services.Jobs.Time.GetUtcNow();
        var connection = request.Redis ?? new RedisConnection { SecretId = services.RedisSecretId };
        connection.Validate("redis");
        RedisEndpoint? server = null;
        try
        {
            server = await connection.ResolveAsync(services.Jobs.Secrets, "redis", context.CancellationToken).ConfigureAwait(false);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            limit.CancelAfter(ConnectLimit);
            await using var client = await RedisReplicationClient.ConnectAsync(server, services.Replication, limit.Token).ConfigureAwait(false);
            var info = await client.ReadInfoAsync(limit.Token).ConfigureAwait(false);
            var memory = await client.ReadInfoSectionAsync("memory", limit.Token).ConfigureAwait(false);
            var replication = await client.ReadInfoSectionAsync("replication", limit.Token).ConfigureAwait(false);
            return new RedisAssessResult(true, null, server.ToString(), info.Version, replication.GetValueOrDefault("role"),
                Number(memory, "used_memory"), Number(memory, "maxmemory"),
                info.Keyspace.ToDictionary(pair => RedisCatalogBackup.DatabaseName(pair.Key), pair => info.KeysIn(pair.Key), StringComparer.Ordinal), now);
        }
        catch (Exception e) when (e is DisasterRecoveryException or IOException or OperationCanceledException or System.Net.Sockets.SocketException
            && !context.CancellationToken.IsCancellationRequested)
        {
            context.Logger.Warn("the Redis could not be assessed; the restore goes on", ("redis", server?.ToString()), ("error", e.Message));
            return new RedisAssessResult(false, $"{e.GetType().Name}: {e.Message}", server?.ToString(), null, null, null, null, null, now);
        }
    }

    private static long? Number(IReadOnlyDictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
