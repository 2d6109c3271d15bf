using System.Runtime.CompilerServices;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// Reads RDB files (versions 1 to <see cref="RedisEngine.NewestRdbVersion"/>) as a stream, front to back, never the
/// whole file in memory: <see cref="VerifyAsync"/> checks one and summarizes it; <see cref="ReadEntriesAsync"/> hands
/// out every key as a DUMP payload for <c>RESTORE</c>. Both fail with <see cref="Core.RdbFormatException"/>, naming the
/// byte offset and what was expected there, on a truncated, damaged or unknown-version file.
/// </summary>
public static class RdbFile
{
    private const int BatchEntries = 512;
    private const long BatchBytes = 4 << 20;

    /// <summary>
    /// Reads the whole stream, checks every structure and the CRC-64. Keys whose expiry is before
    /// <paramref name="now"/> count in <see cref="RdbSummary.ExpiredKeys"/>, not in the per-database counts.
    /// </summary>
    public static Task<RdbSummary> VerifyAsync(Stream rdb, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rdb);
        return Task.Run(() => Verify(rdb, now, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Every key (with its database, expiry and DUMP payload) and every function library (with its
    /// <c>FUNCTION RESTORE</c> payload), in file order. The whole file is checked as it goes: the checksum is checked
    /// when the last entry has been handed out, so a consumer that applies entries as they come must treat a failure
    /// at the end as a failure of everything before it. Each entry's payload is its own array, held as long as the
    /// caller keeps it.
    /// </summary>
    public static async IAsyncEnumerable<RdbEntry> ReadEntriesAsync(Stream rdb, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rdb);
        var reader = await Task.Run(() => new RdbReader(rdb, capturePayloads: true), cancellationToken);
        var batch = new List<RdbEntry>();
        var finished = false;
        while (!finished)
        {
            batch.Clear();
            finished = await Task.Run(() => ReadBatch(reader, batch, cancellationToken), cancellationToken);
            foreach (var entry in batch)
            {
                yield return entry;
            }
        }
    }

    private static RdbSummary Verify(Stream rdb, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reader = new RdbReader(rdb, capturePayloads: false);
        var nowMs = now.ToUnixTimeMilliseconds();
        var keys = new SortedDictionary<int, long>();
        long expired = 0;
        var functions = 0;
        var count = 0;
        long current = 0;
        var currentDatabase = -1;
        while (reader.MoveNext())
        {
            if (++count % 1024 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (reader.Kind == RdbEntryKind.FunctionLibrary)
            {
                functions++;
            }
            else if (reader.ExpireAtUnixMs < nowMs)
            {
                expired++;
            }
            else if (reader.Database == currentDatabase)
            {
                current++;
            }
            else
            {
                // Keys come grouped by database: count in a local, fold into the dictionary when the database changes.
                Flush(keys, currentDatabase, current);
                currentDatabase = reader.Database;
                current = 1;
            }
        }

        Flush(keys, currentDatabase, current);

        return new RdbSummary(reader.Version, reader.Aux, keys, expired, functions, reader.ChecksumVerified);
    }

    private static void Flush(SortedDictionary<int, long> keys, int database, long count)
    {
        if (count > 0)
        {
            keys[database] = keys.GetValueOrDefault(database) + count;
        }
    }

    private static bool ReadBatch(RdbReader reader, List<RdbEntry> batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long bytes = 0;
        while (batch.Count < BatchEntries && bytes < BatchBytes)
        {
            if (!reader.MoveNext())
            {
                return true;
            }

            var entry = reader.Entry;
            batch.Add(entry);
            bytes += entry.DumpPayload.Length + entry.Key.Length;
        }

        return false;
    }
}
