using System.Text.Json;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Postgres;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.JobCrash.Tests.Harness;

/// <summary>
/// Where the crashed jobs run: a LocalS3 server with the backup bucket and the audit bucket (Object Lock, as the template
/// declares them), a generated source database on the local PostgreSQL big enough that every phase of every job takes
/// long enough to be hit, the database secret the task would get injected, and one committed backup for restores and
/// verifications. Owns the databases it created and drops them at the end.
/// </summary>
public sealed class CrashWorld : IAsyncDisposable
{
    public const string SecretId = "technician-marketplace/postgres";
    public const string Source = "crash-test";

    /// <summary>
    /// How far the local S3's clock runs behind the jobs' clocks. A multipart upload's lease is its newest part's time
    /// (leases' <c>AbandonedUploads</c>): with the S3 clock an idle period (1 h) behind, an upload no running job renews is
    /// already expired when the next run or the sweep looks, as it is when the next scheduled run comes a day later.
    /// </summary>
    public static readonly TimeSpan S3ClockLag = AbandonedUploads.DefaultIdle + TimeSpan.FromMinutes(5);

    /// <summary>How far a killed job's database leases are moved back: past the grace period, as for a run a day later.</summary>
    public static readonly TimeSpan LeaseAge = TemporaryDatabases.DefaultGrace + TimeSpan.FromMinutes(1);

    private readonly List<string> _databases = [];

    private CrashWorld(LocalS3Host s3, string backupBucket, string auditBucket, string sourceDatabase, string restoreTarget)
    {
        S3 = s3;
        BackupBucket = backupBucket;
        AuditBucket = auditBucket;
        SourceDatabase = sourceDatabase;
        RestoreTarget = restoreTarget;
        _databases.Add(sourceDatabase);
        _databases.Add(restoreTarget);
        Catalog = new BackupCatalog(s3.Client, new BackupCatalogOptions { Bucket = backupBucket }, s3.Clock);
    }

    public LocalS3Host S3 { get; }

    public string BackupBucket { get; }

    public string AuditBucket { get; }

    public BackupCatalog Catalog { get; }

    /// <summary>The database every backup dumps (the secret's dbname).</summary>
    public string SourceDatabase { get; }

    /// <summary>The database every restore replaces; it holds <see cref="TargetFingerprint"/> before each restore.</summary>
    public string RestoreTarget { get; }

    /// <summary>What the source holds: a complete restore holds the same.</summary>
    public DatabaseFingerprint SourceFingerprint { get; private set; } = null!;

    /// <summary>What the restore target holds before a restore: an untouched target still holds it.</summary>
    public DatabaseFingerprint TargetFingerprint { get; private set; } = null!;

    /// <summary>The backup restores and verifications read (committed by a job process at start).</summary>
    public string BackupId { get; internal set; } = string.Empty;

    /// <summary>Builds the world: servers, buckets, a source database of <paramref name="rows"/> job rows (about 160 bytes each, plus indexes).</summary>
    public static async Task<CrashWorld> CreateAsync(int rows)
    {
        var s3 = await LocalS3Host.StartAsync(clockStart: DateTimeOffset.UtcNow - S3ClockLag);
        var backupBucket = await s3.CreateBucketAsync(objectLock: true);
        var auditBucket = await s3.CreateBucketAsync(objectLock: true, defaultRetentionDays: 1);
        var source = await PostgresTestServer.CreateDatabaseAsync("dr_crash_src");
        var target = "dr_crash_target_" + Guid.NewGuid().ToString("N")[..12];
        var world = new CrashWorld(s3, backupBucket, auditBucket, source, target);
        await PostgresTestServer.ExecuteAsync(source, SourceSql(rows));
        world.SourceFingerprint = await DatabaseFingerprint.ReadAsync(source);
        await world.ResetRestoreTargetAsync();
        world.TargetFingerprint = await DatabaseFingerprint.ReadAsync(target);
        return world;
    }

    /// <summary>Puts the restore target back to its original content (a restore that completed replaced it).</summary>
    public async Task ResetRestoreTargetAsync()
    {
        await PostgresTestServer.DropDatabaseAsync(RestoreTarget);
        await PostgresTestServer.ExecuteAsync("postgres", $"CREATE DATABASE \"{RestoreTarget}\"");
        await PostgresTestServer.ExecuteAsync(RestoreTarget, """
            CREATE TABLE marker (id int PRIMARY KEY, note text NOT NULL);
            INSERT INTO marker SELECT g, 'original target row ' || g FROM generate_series(1, 50) g;
            """);
    }

    /// <summary>The environment ECS gives the task (the template's variables, the injected secret, the local S3) plus the job's input and result key.</summary>
    public IReadOnlyDictionary<string, string> JobEnvironment(string input, string resultKey)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["BACKUP_BUCKET"] = BackupBucket,
            ["AUDIT_BUCKET"] = AuditBucket,
            ["DB_SECRET_ID"] = SecretId,
            ["BACKUP_SOURCE"] = Source,
            ["DB_SECRET_JSON"] = SecretJson(),
            ["AWS_ENDPOINT_URL_S3"] = S3.Endpoint,
            ["AWS_ACCESS_KEY_ID"] = LocalS3Host.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = LocalS3Host.SecretAccessKey,
            ["AWS_REGION"] = "us-east-1",
            ["AWS_EXECUTION_ENV"] = "AWS_ECS_FARGATE",
            ["JOB_INPUT"] = input,
            ["JOB_RESULT_BUCKET"] = BackupBucket,
            ["JOB_RESULT_KEY"] = resultKey,
        };
        if (Environment.GetEnvironmentVariable("PG_BIN_DIR") is { Length: > 0 } bin)
        {
            environment["PG_BIN_DIR"] = bin;
        }

        return environment;
    }

    /// <summary>
    /// Moves the leases of <paramref name="databases"/> back by <see cref="LeaseAge"/>, as if the next run or sweep came after the
    /// grace period; a database without a lease (killed between CREATE and COMMENT) is expired already once unheld.
    /// </summary>
    public static async Task AgeLeasesAsync(IEnumerable<string> databases)
    {
        foreach (var name in databases)
        {
            var comment = await PostgresTestServer.ScalarAsync<object>("postgres",
                $"SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = '{name.Replace("'", "''")}'");
            if (TemporaryDatabaseLease.Parse(comment as string) is { } lease)
            {
                var aged = lease with { CreatedAt = lease.CreatedAt - LeaseAge };
                var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                var literal = "'" + aged.ToJson().Replace("'", "''", StringComparison.Ordinal) + "'";
                try
                {
                    await PostgresTestServer.ExecuteAsync("postgres", $"COMMENT ON DATABASE {quoted} IS {literal}");
                }
                catch (Npgsql.PostgresException e) when (e.SqlState == "3D000")
                {
                    // Gone meanwhile: a DROP the killed job had sent finished in the server after the client died.
                }
            }
        }
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

    /// <summary>The database secret (RDS format) the task gets injected as DB_SECRET_JSON.</summary>
    public string SecretJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["engine"] = "postgres",
        ["host"] = PostgresTestServer.Server.Host,
        ["port"] = PostgresTestServer.Server.Port,
        ["username"] = PostgresTestServer.Server.User,
        ["password"] = PostgresTestServer.Server.Password,
        ["dbname"] = SourceDatabase,
    });

    /// <summary>Three tables with keys, a foreign key and secondary indexes, so a restore has a COPY phase and an index-build phase.</summary>
    private static string SourceSql(int rows) => $"""
        CREATE TABLE technicians (id bigint PRIMARY KEY, name text NOT NULL, skills text[]);
        CREATE TABLE jobs (id bigint PRIMARY KEY, technician_id bigint NOT NULL REFERENCES technicians(id), title text NOT NULL,
                           notes text, price numeric(10,2));
        CREATE TABLE job_events (id bigint PRIMARY KEY, job_id bigint NOT NULL REFERENCES jobs(id), at timestamptz NOT NULL, payload bytea);
        INSERT INTO technicians SELECT g, 'technician ' || g, ARRAY['plumbing', 'wiring ' || (g % 7)] FROM generate_series(1, 2000) g;
        INSERT INTO jobs SELECT g, (g % 2000) + 1, 'job ' || md5(g::text), md5((g * 3)::text) || md5((g * 5)::text), (g % 1000) * 1.25
            FROM generate_series(1, {rows}) g;
        INSERT INTO job_events SELECT g, (g % {rows}) + 1, timestamptz '2026-01-01' + g * interval '1 second', decode(md5(g::text), 'hex')
            FROM generate_series(1, {rows}) g;
        CREATE INDEX jobs_technician ON jobs (technician_id);
        CREATE INDEX jobs_title ON jobs (title);
        CREATE INDEX job_events_job ON job_events (job_id, at);
        ANALYZE;
        """;
}
