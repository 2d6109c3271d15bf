using DisasterRecovery.Core;
using DisasterRecovery.Redis.Rdb;
using DisasterRecovery.Redis.Replication;

namespace DisasterRecovery.Redis.Restore;

/// <summary>
/// Restores an RDB stream into a running Redis: every key as <c>RESTORE key ttl payload ABSTTL [REPLACE] [IDLETIME|FREQ]</c>
/// in its database, every function library as <c>FUNCTION RESTORE</c>, pipelined over one connection (commands go out while
/// replies come back, bounded by <see cref="RedisRestoreOptions.MaxInFlightBytes"/>), the file read as it is restored.
/// What is refused before anything is sent: a file whose header cannot be read (an unknown RDB version), a wrong password
/// or an unreachable server, a database the target does not have (requested, or in the backup when its databases are
/// known). A <c>-OOM</c> reply stops the restore (<see cref="TargetOutOfMemoryException"/>, naming the keys that went in).
/// The file's checksum is checked at its end: keys restored before a failure there stay restored, as with any stream.
/// </summary>
public sealed class RedisLiveRestore(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Restores <paramref name="rdb"/> into <paramref name="target"/> as <paramref name="options"/> say.</summary>
    public async Task<RedisRestoreSummary> RestoreAsync(Stream rdb, RedisEndpoint target, RedisRestoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rdb);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var started = _time.GetTimestamp();
        var now = (options.Now ?? _time.GetUtcNow()).ToUnixTimeMilliseconds();

        // The header (and the first entry) first: a file of an unknown version is refused before the target is touched.
        var entries = RdbFile.ReadEntriesAsync(rdb, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (entries.ConfigureAwait(false))
        {
            var more = await entries.MoveNextAsync().ConfigureAwait(false);
            var connection = await RedisCommandConnection.ConnectAsync(target, options.Connection, cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var run = new RestorePipeline(connection, options, now);
                await run.PrepareAsync(cancellationToken).ConfigureAwait(false);
                while (more)
                {
                    await run.ApplyAsync(entries.Current, cancellationToken).ConfigureAwait(false);
                    more = await entries.MoveNextAsync().ConfigureAwait(false);
                }

                await run.FinishAsync(cancellationToken).ConfigureAwait(false);
                return run.Summary(_time.GetElapsedTime(started));
            }
        }
    }
}
