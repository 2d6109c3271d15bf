using System.Text;
using System.Text.Json;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Functions.PostgresBackup;
using DisasterRecovery.Functions.PostgresRestore;
using DisasterRecovery.Functions.PostgresVerify;
using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;
using DisasterRecovery.Secrets;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.PostgresFunctions.Tests;

/// <summary>
/// One test's world: a LocalS3 server with an Object Lock backup bucket and an audit bucket, a source database on the
/// local PostgreSQL with a secret for it, and the three functions wired as their entry points wire them.
/// </summary>
internal sealed class PostgresFunctionKit : IAsyncDisposable
{
    public const string SecretId = "technician-marketplace/postgres";
    public const string Source = "marketplace-test";

    /// <summary>A scratch server configured apart from production's secret (SCRATCH_SECRET_ID): here the same test server.</summary>
    public const string ScratchSecretId = "technician-marketplace/postgres-scratch";

    private readonly List<string> _databases = [];

    private PostgresFunctionKit(LocalS3Host s3, string backupBucket, string auditBucket, string sourceDatabase)
    {
        S3 = s3;
        BackupBucket = backupBucket;
        AuditBucket = auditBucket;
        SourceDatabase = sourceDatabase;
        _databases.Add(sourceDatabase);
        Secrets.Put(SecretId, SecretFor(sourceDatabase));
        Secrets.Put(ScratchSecretId, SecretFor("postgres"));
    }

    public LocalS3Host S3 { get; }

    public string BackupBucket { get; }

    public string AuditBucket { get; }

    public string SourceDatabase { get; }

    public SecretSourceForTests Secrets { get; } = new();

    public BackupCatalog Catalog => new(S3.Client, new BackupCatalogOptions { Bucket = BackupBucket }, S3.Clock);

    public StringWriter Log { get; } = new();

    public static async Task<PostgresFunctionKit> CreateAsync(int bulkRows = 2_000)
    {
        var s3 = await LocalS3Host.StartAsync();
        var backupBucket = await s3.CreateBucketAsync(objectLock: true);
        var auditBucket = await s3.CreateBucketAsync(objectLock: true, defaultRetentionDays: 1);
        var database = await PostgresTestServer.CreateDatabaseAsync("dr_fn_src");
        await PostgresTestServer.ExecuteAsync(database, $"""
            CREATE SCHEMA "Sales";
            CREATE TYPE job_state AS ENUM ('open', 'assigned', 'done');
            CREATE TABLE technicians (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, skills text[], rating numeric(3,2));
            CREATE TABLE jobs (id serial PRIMARY KEY, technician_id bigint REFERENCES technicians(id), state job_state NOT NULL, details jsonb, note text);
            CREATE TABLE "Sales"."Order Items" ("Order" int, line int, amount numeric, PRIMARY KEY ("Order", line));
            CREATE TABLE event_log (at timestamptz, payload bytea);
            INSERT INTO technicians (name, skills, rating) SELECT 'tech ' || g, ARRAY['plumbing', 'ünïcode ' || g], (g % 5) + 0.25 FROM generate_series(1,
                200) g;
            INSERT INTO jobs (technician_id, state, details, note)
              SELECT (g % 200) + 1, (ARRAY['open','assigned','done'])[(g % 3) + 1]::job_state, jsonb_build_object('n', g),
                  CASE WHEN g % 7 = 0 THEN NULL ELSE md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) END
              FROM generate_series(1, {bulkRows}) g;
            INSERT INTO "Sales"."Order Items" SELECT g / 3, g % 3, g * 1.5 FROM generate_series(1, 300) g;
            INSERT INTO event_log SELECT timestamptz '2026-01-01' + g * interval '1 minute', decode(md5(g::text), 'hex') FROM generate_series(1, 100) g;
            CREATE VIEW open_jobs AS SELECT * FROM jobs WHERE state = 'open';
            """);
        return new PostgresFunctionKit(s3, backupBucket, auditBucket, database);
    }

    /// <summary>An RDS-format secret for a database on the local server.</summary>
    public static string SecretFor(string database, string? password = null, int? port = null) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["engine"] = "postgres",
        ["host"] = PostgresTestServer.Server.Host,
        ["port"] = port ?? PostgresTestServer.Server.Port,
        ["username"] = PostgresTestServer.Server.User,
        ["password"] = password ?? PostgresTestServer.Server.Password,
        ["dbname"] = database,
    });

    /// <summary>A database name for a restore target, dropped at the end.</summary>
    public string NewDatabaseName(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        _databases.Add(name);
        return name;
    }

    public PostgresJobServices Services(Action<PartUploaded>? partUploaded = null) => PostgresJobServices.Create(
        S3.Client,
        new BackupCatalogOptions { Bucket = BackupBucket, PartUploaded = partUploaded, PartSize = BackupCatalogOptions.MinimumPartSize },
        new AuditLogOptions { Bucket = AuditBucket },
        Secrets,
        PostgresTestServer.Tools,
        SecretId,
        Source,
        S3.Clock);

    public ILambdaFunction Backup(Action<PartUploaded>? partUploaded = null) => PostgresBackupEntryPoint.Create(Services(partUploaded));

    public ILambdaFunction Restore() => PostgresRestoreEntryPoint.Create(Services());

    public ILambdaFunction Verify(string? scratchSecretId = ScratchSecretId) => PostgresVerifyEntryPoint.Create(Services(), scratchSecretId);

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

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await PostgresTestServer.DropDatabaseAsync(database);
        }

        await S3.DisposeAsync();
    }
}
