using DisasterRecovery.Redis.Rdb;

namespace DisasterRecovery.Benchmarks.RedisBackup;

/// <summary>
/// The live-restore baseline's input: every key of an RDB file as <c>RESTORE key ttl payload ABSTTL REPLACE</c> (with
/// <c>IDLETIME</c>/<c>FREQ</c> when the file has them, <c>SELECT</c> when the database changes) and every function library
/// as <c>FUNCTION RESTORE payload REPLACE</c>, in RESP for <c>redis-cli --pipe</c>. Written with our RDB reader, untimed.
/// </summary>
internal static class RestoreCommandFile
{
    /// <summary>Writes the file; returns how many keys it restores.</summary>
    public static async Task<long> WriteAsync(string rdbFile, string respFile)
    {
        await using var rdb = new FileStream(rdbFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        await using var output = new FileStream(respFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var writer = new RespWriter(output);
        var database = -1;
        long keys = 0;
        await foreach (var entry in RdbFile.ReadEntriesAsync(rdb, CancellationToken.None))
        {
            if (entry.Kind == RdbEntryKind.FunctionLibrary)
            {
                writer.Command("FUNCTION", "RESTORE", entry.DumpPayload, "REPLACE");
                continue;
            }

            if (entry.Database != database)
            {
                database = entry.Database;
                writer.Command("SELECT", database);
            }

            var arguments = new List<object> { "RESTORE", entry.Key, entry.ExpireAtUnixMs ?? 0L, entry.DumpPayload, "ABSTTL", "REPLACE" };
            if (entry.IdleSeconds is { } idle)
            {
                arguments.AddRange(["IDLETIME", idle]);
            }

            if (entry.Frequency is { } frequency)
            {
                arguments.AddRange(["FREQ", frequency]);
            }

            writer.Command([.. arguments]);
            keys++;
        }

        return keys;
    }
}
