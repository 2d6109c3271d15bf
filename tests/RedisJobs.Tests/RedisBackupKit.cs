using System.Text;
using System.Text.Json;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Functions.RedisBackup;
using DisasterRecovery.Jobs;
using DisasterRecovery.Lambda;
using DisasterRecovery.Redis.Replication;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// One test's world: a LocalS3 server with an Object Lock backup bucket and an audit bucket, the stack's Redis secret (the
/// local/servers Redis), and the RedisBackup function wired as its entry point wires it, with a given inspector.
/// </summary>
internal sealed class RedisBackupKit : IAsyncDisposable
{
    public const string SecretId = "technician-marketplace/redis";
    public const string Source = "marketplace-test";

    private RedisBackupKit(LocalS3Host s3, string backupBucket, string auditBucket)
    {
        S3 = s3;
        BackupBucket = backupBucket;
        AuditBucket = auditBucket;
        var local = LocalServers.Redis;
        Secrets.Put(SecretId, SecretFor(local.Host, local.Port, local.Password));
    }

    public LocalS3Host S3 { get; }

    public string BackupBucket { get; }

    public string AuditBucket { get; }

    public SecretSourceForTests Secrets { get; } = new();

    public BackupCatalog Catalog => new(S3.Client, new BackupCatalogOptions { Bucket = BackupBucket }, S3.Clock);

    public StringWriter Log { get; } = new();

    /// <summary>Starts the world; the services' clock (backup ids, tiers, Object Lock) starts at <paramref name="clockStart"/> (default now).</summary>
    public static async Task<RedisBackupKit> CreateAsync(DateTimeOffset? clockStart = null)
    {
        var s3 = await LocalS3Host.StartAsync(clockStart: clockStart);
        var backupBucket = await s3.CreateBucketAsync(objectLock: true);
        var auditBucket = await s3.CreateBucketAsync(objectLock: true, defaultRetentionDays: 1);
        return new RedisBackupKit(s3, backupBucket, auditBucket);
    }

    /// <summary>A Redis secret as JSON.</summary>
    public static string SecretFor(string host, int port, string password, string? username = null, bool? tls = null, string? caCertificate = null)
    {
        var secret = new Dictionary<string, object> { ["host"] = host, ["port"] = port, ["password"] = password };
        if (username is not null)
        {
            secret["username"] = username;
        }

        if (tls is { } useTls)
        {
            secret["tls"] = useTls;
        }

        if (caCertificate is not null)
        {
            secret["caCertificate"] = caCertificate;
        }

        return JsonSerializer.Serialize(secret);
    }

    public RedisJobServices Services(IRdbInspector inspector, RedisReplicationOptions? replication = null) => new(
        JobServices.Create(
            S3.Client,
            new BackupCatalogOptions { Bucket = BackupBucket, PartSize = BackupCatalogOptions.MinimumPartSize },
            new AuditLogOptions { Bucket = AuditBucket },
            Secrets,
            "technician-marketplace/postgres",
            Source,
            S3.Clock),
        SecretId,
        inspector,
        replication);

    public ILambdaFunction Backup(IRdbInspector? inspector = null, RedisReplicationOptions? replication = null) =>
        RedisBackupEntryPoint.Create(Services(inspector ?? new RdbFileInspector(), replication));

    /// <summary>Invokes a function as the hosts do (JSON in, JSON out); a function error is thrown.</summary>
    public async Task<JsonElement> InvokeAsync(ILambdaFunction function, string payload, TimeProvider? contextClock = null)
    {
        var clock = contextClock ?? TimeProvider.System;
        using var context = new LambdaContext(
            Guid.NewGuid().ToString(), function.Name, $"arn:aws:lambda:us-east-1:000000000000:function:{function.Name}",
            clock.GetUtcNow().AddMinutes(10), null, new JsonLogger(function.Name, TextWriter.Synchronized(Log), TimeProvider.System), clock);
        var output = await function.InvokeAsync(Encoding.UTF8.GetBytes(payload), context);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    /// <summary>The committed backup's manifest (the only one of the source).</summary>
    public async Task<BackupManifest> SingleManifestAsync()
    {
        var entry = Assert.Single(await Catalog.ListBackupsAsync(BackupEngine.Redis, Source));
        return await Catalog.ReadManifestAsync(entry);
    }

    /// <summary>An object of a backup, read back verified (decompressed).</summary>
    public async Task<byte[]> ReadObjectAsync(BackupManifest manifest, string name)
    {
        await using var stream = await Catalog.OpenReader(manifest).OpenObjectAsync(name);
        return await RdbFiles.ReadAllAsync(stream);
    }

    /// <summary>Every audit record so far, oldest first.</summary>
    public async Task<List<AuditRecord>> AuditRecordsAsync()
    {
        var records = new List<AuditRecord>();
        foreach (var key in await S3.ListKeysAsync(AuditBucket, AuditKeys.Events(AuditLogOptions.DefaultPrefix)))
        {
            records.Add(JsonSerializer.Deserialize(await S3.GetBytesAsync(AuditBucket, key), AuditJsonContext.Default.AuditRecord)!);
        }

        return [.. records.OrderBy(r => r.Sequence)];
    }

    public async ValueTask DisposeAsync() => await S3.DisposeAsync();
}
