using System.Globalization;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Redis.Replication;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Mode <c>restored-server</c>: a server restored from the backup, checked against it before the application is switched to it.
/// Each database's key count (INFO keyspace) must lie between what the backup counted (<c>dump.info.json</c>'s
/// <see cref="RedisBackupInfo.KeysInRdb"/>, else the manifest's contents: no restore can bring more) and the keys of the RDB still
/// live now (the RDB re-read from the catalog, its checksums and CRC-64 checked: keys whose TTL ran out since the backup are gone
/// from the server, or about to be). Nothing is recorded beside the manifest.
/// </summary>
public sealed class RedisRestoredServerCheck(BackupCatalog catalog, RedisEndpoint server, TimeProvider time, RedisReplicationOptions? options = null)
    : IRedisVerifyMode
{
    /// <summary>
    /// Keys expiring this soon after the check count as maybe gone: the server expires them by its own clock, which may run a little
    /// ahead of ours.
    /// </summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(5);

    public string Subject => "the Redis server restored from backup";

    public string Activity => "the check";

    /// <summary>The server checked.</summary>
    public RedisEndpoint Server => server;

    /// <summary>Resolves the restored server from its secret (and the request's host and port).</summary>
    public static async Task<IRedisVerifyMode> ResolveAsync(RedisConnection restored, RedisJobServices services, JobRun run)
    {
        ArgumentNullException.ThrowIfNull(restored);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(run);
        var server = await restored.ResolveAsync(services.Jobs.Secrets, "redis", run.CancellationToken).ConfigureAwait(false);
        return new RedisRestoredServerCheck(services.Jobs.Catalog, server, services.Jobs.Time, services.Replication);
    }

    public async Task<RedisVerifyResult> RunAsync(BackupManifest manifest, JobRun run)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(run);
        var cancellationToken = run.CancellationToken;
        var reader = catalog.OpenReader(manifest);
        var (info, infoChecks) = await RedisVerifyStoredRdb.ReadInfoAsync(reader, cancellationToken).ConfigureAwait(false);
        var checks = new List<VerificationCheck>(infoChecks.Where(c => !c.Passed));

        // INFO first, the RDB counted at a later instant: a key that expired meanwhile may still be in INFO's count (Redis reclaims
        // expired keys lazily), so the lower bound taken later is never above what INFO can say.
        RedisServerInfo live;
        await using (var client = await RedisReplicationClient.ConnectAsync(server, options, cancellationToken).ConfigureAwait(false))
        {
            live = await client.ReadInfoAsync(cancellationToken).ConfigureAwait(false);
        }

        var rdb = await RedisVerifyStoredRdb.ReadAsync(reader, time.GetUtcNow() + ClockMargin, cancellationToken).ConfigureAwait(false);
        checks.Add(rdb.Checksum);
        checks.Add(rdb.Format);
        var liveKeys = RedisCatalogVerify.DatabaseNames(live.Keyspace.Keys.ToDictionary(database => database, live.KeysIn));
        var backedUp = info?.KeysInRdb ?? manifest.Contents?.ToDictionary(c => c.Name, c => c.Count, StringComparer.Ordinal);
        if (backedUp is null)
        {
            checks.Add(new VerificationCheck("keys", false, "the backup records no keys per database to compare with"));
        }
        else if (rdb.Summary is { } summary)
        {
            var stillLive = RedisCatalogVerify.DatabaseNames(summary.KeysPerDatabase);
            foreach (var database in liveKeys.Keys.Union(backedUp.Keys).Union(stillLive.Keys).Order(StringComparer.Ordinal))
            {
                checks.Add(CompareDatabase(database, liveKeys.GetValueOrDefault(database), backedUp.GetValueOrDefault(database),
                    stillLive.GetValueOrDefault(database)));
            }
        }

        var passed = checks.All(c => c.Passed);
        run.Logger.Info(passed ? "restored server matches its backup" : "restored server check FAILED", ("backupId", manifest.BackupId),
            ("redis", server.ToString()), ("failedChecks", string.Join(", ", checks.Where(c => !c.Passed).Select(c => c.Name))));
        return new RedisVerifyResult(manifest.BackupId.Value, run.Source, "restored-server", passed,
            [.. checks.Select(c => new RedisVerifyCheck(c.Name, c.Passed, c.Detail))], liveKeys, run.ElapsedSeconds);
    }

    /// <summary>Check <c>keys:db3</c>: the server's count between the keys still live in the RDB and the keys the backup counted.</summary>
    private static VerificationCheck CompareDatabase(string database, long live, long backedUp, long stillLive)
    {
        var passed = live <= backedUp && live >= stillLive;
        var detail = passed
            ? string.Create(CultureInfo.InvariantCulture, $"{live} keys; the backup holds {backedUp}, {stillLive} of them still live")
            : live > backedUp
                ? string.Create(CultureInfo.InvariantCulture, $"{live} keys, more than the {backedUp} the backup holds")
                : string.Create(CultureInfo.InvariantCulture, $"{live} keys, fewer than the {stillLive} of the backup's {backedUp} still live");
        return new VerificationCheck("keys:" + database, passed, detail);
    }
}
