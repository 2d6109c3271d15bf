using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using DisasterRecovery.Catalog;
using DisasterRecovery.Redis.Replication;
using DisasterRecovery.Redis.Restore;
using DisasterRecovery.RedisJobs;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Benchmarks.RedisBackup;

/// <summary>
/// One measured run of ours in its own process, so that its peak RSS (<c>VmHWM</c>) is its own and its wall time includes
/// .NET's start-up, as the redis-cli and redis-server runs include theirs. Each mode prints one JSON line at the end.
/// <list type="bullet">
/// <item><c>backup &lt;port&gt; &lt;s3 endpoint&gt; &lt;bucket&gt; [zstd level]</c>: <see cref="RedisCatalogBackup"/> of the server into
/// the catalog (the catalog's default zstd level, as production, unless a level is given).</item>
/// <item><c>inspect &lt;rdb file&gt;</c>: <see cref="RdbFileInspector"/> alone over a file (what the backup's parse costs).</item>
/// <item><c>transfer &lt;port&gt;</c>: the same replication transfer read to nothing: the floor of our backup.</item>
/// <item><c>stage &lt;s3 endpoint&gt; &lt;bucket&gt; &lt;backup id&gt; &lt;file&gt;</c>: the backup's RDB read from the catalog
/// (decompressed, SHA-256 checked as it is read) into a file or a named pipe, as RedisStage does into the staging bucket.</item>
/// <item><c>live &lt;port&gt; &lt;s3 endpoint&gt; &lt;bucket&gt; &lt;backup id&gt;</c>: <see cref="RedisLiveRestore"/> (mode replace) of the
/// backup's RDB read from the catalog, as RedisRestoreJob reads it; <c>live-file &lt;port&gt; &lt;rdb file&gt; [max in-flight bytes]</c>:
/// the same from a file (the engine's default bound on bytes in flight unless one is given, to measure it by hand).</item>
/// <item><c>noop</c>: nothing (the start-up every run of ours pays).</item>
/// <item><c>latency &lt;port&gt;</c>: PINGs the server, one at a time with 1 ms between them, until its standard input closes.</item>
/// </list>
/// </summary>
internal static class Child
{
    public const string Source = "bench-redis";

    public static async Task<int> RunAsync(string[] args)
    {
        var clock = Stopwatch.StartNew();
        var result = new Dictionary<string, object>();
        switch (args[0])
        {
            case "backup":
                {
                    var catalog = Catalog(args[2], args[3], args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : null);
                    var server = Endpoint(args[1]);
                    var outcome = await new RedisCatalogBackup(catalog, new RdbFileInspector())
                        .RunAsync(server, new RedisBackupSpec(Source, RetentionTier.Hourly, "bench", null), DateTimeOffset.UtcNow, CancellationToken.None);
                    var rdb = outcome.Manifest.FindObject(RedisBackupObjects.Rdb)!;
                    result["backupId"] = outcome.Manifest.BackupId.ToString();
                    result["rdbBytes"] = rdb.Size;
                    result["storedBytes"] = rdb.StoredSize;
                    result["allObjectsStoredBytes"] = outcome.Manifest.Objects.Sum(o => o.StoredSize);
                    result["keys"] = outcome.Info.KeysInRdb?.Values.Sum() ?? 0;
                    break;
                }

            case "transfer":
                {
                    // The floor of our backup: the same replication transfer read and thrown away (no zstd, hash, parse or upload).
                    var server = Endpoint(args[1]);
                    await using var client = await RedisReplicationClient.ConnectAsync(server, null, CancellationToken.None);
                    await using var rdb = await client.StartRdbTransferAsync(CancellationToken.None);
                    await rdb.CopyToAsync(Stream.Null, 1 << 20);
                    result["rdbBytes"] = rdb.BytesRead;
                    break;
                }

            case "inspect":
                {
                    // What parsing the RDB costs on its own (the inspector our backup runs beside the upload), from a file.
                    await using var rdb = new FileStream(args[1], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
                    var inspection = await new RdbFileInspector().InspectAsync(rdb, DateTimeOffset.UtcNow, CancellationToken.None);
                    result["keys"] = inspection.KeysPerDatabase?.Values.Sum() ?? 0;
                    break;
                }

            case "live":
                {
                    // As RedisRestoreJob does: the backup's RDB read from the catalog (decompressed, SHA-256 checked) into the engine.
                    var catalog = Catalog(args[2], args[3]);
                    var manifest = await catalog.ReadManifestAsync(BackupEngine.Redis, Source, BackupId.Parse(args[4], "backupId"));
                    await using var rdb = await catalog.OpenReader(manifest).OpenObjectAsync(RedisBackupObjects.Rdb);
                    result["keys"] = (await LiveRestoreAsync(rdb, args[1])).KeysRestored;
                    break;
                }

            case "live-file":
                {
                    await using var rdb = new FileStream(args[2], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
                    var bound = args.Length > 3 ? long.Parse(args[3], CultureInfo.InvariantCulture) : (long?)null;
                    result["keys"] = (await LiveRestoreAsync(rdb, args[1], bound)).KeysRestored;
                    break;
                }

            case "stage":
                {
                    var catalog = Catalog(args[1], args[2]);
                    var manifest = await catalog.ReadManifestAsync(BackupEngine.Redis, Source, BackupId.Parse(args[3], "backupId"));
                    await using var rdb = await catalog.OpenReader(manifest).OpenObjectAsync(RedisBackupObjects.Rdb);
                    await using (var file = new FileStream(args[4], FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20))
                    {
                        await rdb.CopyToAsync(file, 1 << 20);
                    }

                    result["bytes"] = new FileInfo(args[4]).Length;
                    break;
                }

            case "noop":
                // .NET's start-up and this JSON line: what every figure of ours includes before any work.
                break;
            case "latency":
                result["samplesMs"] = await LatencySampler.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
                break;
            default:
                throw new ArgumentException("unknown child mode " + args[0]);
        }

        result["seconds"] = clock.Elapsed.TotalSeconds;
        result["peakRssBytes"] = PeakRss();
        result["cpuSeconds"] = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static Task<RedisRestoreSummary> LiveRestoreAsync(Stream rdb, string port, long? maxInFlightBytes = null)
    {
        var options = new RedisRestoreOptions { Mode = RedisRestoreMode.Replace };
        return new RedisLiveRestore().RestoreAsync(rdb, Endpoint(port), maxInFlightBytes is { } bytes ? options with { MaxInFlightBytes = bytes } : options,
            CancellationToken.None);
    }

    private static RedisEndpoint Endpoint(string port) =>
        new() { Host = "127.0.0.1", Port = int.Parse(port, CultureInfo.InvariantCulture), Password = BenchRedisServer.Password };

    private static BackupCatalog Catalog(string endpoint, string bucket, int? zstdLevel = null) => new(
        new AmazonS3Client(new BasicAWSCredentials(LocalS3Host.AccessKeyId, LocalS3Host.SecretAccessKey), new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        }),
        zstdLevel is { } level ? new BackupCatalogOptions { Bucket = bucket, ZstdLevel = level } : new BackupCatalogOptions { Bucket = bucket },
        TimeProvider.System);

    /// <summary>This process's peak resident set size (<c>VmHWM</c>), in bytes.</summary>
    public static long PeakRss()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
