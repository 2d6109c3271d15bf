using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;
using Npgsql;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// statemachines/verify-backup.asl.json through the local cloud: the daily verification on a scratch RDS instance created
/// for the run (a real PostgreSQL cluster, its master password in the local Secrets Manager) and deleted on every path; on
/// production's server only with the input's opt-in; refused, changing nothing, on a server without the free storage the
/// restore needs.
/// </summary>
public sealed class VerifyBackupTests(RecoveryCloud env) : IClassFixture<RecoveryCloud>, IAsyncLifetime
{
    private const string Machine = "VerifyBackupStateMachine";

    public Task InitializeAsync() => VerifyBackupData.CreateAsync(env.Database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Verify_WhenNoScratchServerIsConfigured_ShouldCreateAScratchInstanceVerifyThereRecordItAndDeleteTheInstance()
    {
        // Arrange: a table owned by a role the new instance does not have (it has only its master user), as an application's
        // tables are on RDS: the verification creates the role there.
        await RecoveryCloud.ExecuteAsync(env.Database, """
            DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'verify_test_owner') THEN CREATE ROLE verify_test_owner NOLOGIN; END IF; END $$;
            CREATE TABLE owned_elsewhere (id int PRIMARY KEY);
            ALTER TABLE owned_elsewhere OWNER TO verify_test_owner;
            """);
        var secretsBefore = env.Cloud.SecretsManager.Store.Names.Count;
        JsonNode backup;
        DisasterRecovery.LocalSfn.ExecutionDocument execution;
        try
        {
            backup = await env.InvokeAsync("PostgresBackupFunction", "{}");

            // Act
            execution = await env.RunAsync(Machine, new { }, "verify-happy");
        }
        finally
        {
            await RecoveryCloud.ExecuteAsync(env.Database, "DROP TABLE owned_elsewhere");
            await RecoveryCloud.ExecuteAsync("postgres", "DROP ROLE verify_test_owner");
        }

        var backupId = backup["backupId"]!.GetValue<string>();

        // Assert: verified on the new instance, recorded beside the manifest and in the verified index, the instance gone.
        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        var output = JsonNode.Parse(execution.Output!)!;
        Assert.Equal(backupId, output["measure"]!["backupId"]!.GetValue<string>());
        Assert.Equal("new", output["server"]!["kind"]!.GetValue<string>());
        Assert.True(output["verification"]!["passed"]!.GetValue<bool>());
        Assert.Equal(20, output["measure"]!["needs"]!["scratchStorageGiB"]!.GetValue<int>());
        var record = await VerifyBackupData.ReadBackupObjectAsync(env, output["verification"]!["verificationKey"]!.GetValue<string>());
        Assert.True(record["passed"]!.GetValue<bool>());
        Assert.Contains(record["checks"]!.AsArray(), c => c!["detail"]?.GetValue<string>().Contains("verify_test_owner", StringComparison.Ordinal) == true);
        Assert.Contains(await VerifyBackupData.VerifiedIndexAsync(env), key => key.Contains(backupId, StringComparison.Ordinal));
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("verify-verify-happy"));
        Assert.Equal(secretsBefore + 1, env.Cloud.SecretsManager.Store.Names.Count);
        Assert.Contains(env.Cloud.SecretsManager.Store.Names, n => n.StartsWith("rds!db-", StringComparison.Ordinal));
        Assert.DoesNotContain("password", execution.Output!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(env.Cloud.Sns.Messages, m => m.Subject == "DR: backup verified" && m.Message.Contains("verify-verify-happy", StringComparison.Ordinal));
        Assert.Contains("verification:succeeded:verify-backup", await env.AuditTrailAsync());
        Assert.Equal(0L, await VerifyBackupData.ScratchDatabasesAsync(":verify-happy"));
    }

    [Fact]
    public async Task Verify_WhenTheScratchInstanceFails_ShouldStillDeleteItAuditAndFail()
    {
        // Arrange
        await env.InvokeAsync("PostgresBackupFunction", "{}");
        env.Cloud.Rds.FaultInjector.EndProvisioningIn("verify-verify-doomed", "storage-full");

        // Act
        var execution = await env.RunAsync(Machine, new { }, "verify-doomed");

        // Assert
        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("ScratchInstanceFailed", execution.Error);
        Assert.Contains("storage-full", execution.Cause, StringComparison.Ordinal);
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("verify-verify-doomed"));
        Assert.Contains("verification:failed:verify-backup", await env.AuditTrailAsync());
        Assert.Contains(env.Cloud.Sns.Messages,
            m => m.Subject == "DR: backup verification FAILED" && m.Message.Contains("verify-doomed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_WhenTheVerificationFails_ShouldRecordTheFailedVerdictAndStillDeleteTheScratchInstance()
    {
        // Arrange: rows whose foreign key (added NOT VALID) points at no row: the restore succeeds, the integrity check fails.
        await RecoveryCloud.ExecuteAsync(env.Database, """
            CREATE TABLE verify_parents (id int PRIMARY KEY);
            CREATE TABLE verify_orphans (id int PRIMARY KEY, parent int);
            INSERT INTO verify_orphans VALUES (1, 42);
            ALTER TABLE verify_orphans ADD CONSTRAINT verify_orphans_parent FOREIGN KEY (parent) REFERENCES verify_parents NOT VALID;
            """);
        try
        {
            var backup = await env.InvokeAsync("PostgresBackupFunction", "{}");

            // Act
            var execution = await env.RunAsync(Machine, new { }, "verify-fails");

            // Assert: the verdict is recorded as failed, the instance is gone, the failure audited and published.
            Assert.Equal("FAILED", execution.Status);
            Assert.Equal("BackupVerificationFailedException", execution.Error);
            Assert.Contains("verify_orphans_parent", execution.Cause, StringComparison.Ordinal);
            Assert.Null(await env.InstanceStatusAfterDeletionAsync("verify-verify-fails"));
            var backupId = backup["backupId"]!.GetValue<string>();
            Assert.DoesNotContain(await VerifyBackupData.VerifiedIndexAsync(env), k => k.Contains(backupId, StringComparison.Ordinal));
            Assert.Contains("verification:failed:verify-backup", await env.AuditTrailAsync());
        }
        finally
        {
            await RecoveryCloud.ExecuteAsync(env.Database, "DROP TABLE verify_orphans, verify_parents");
        }
    }

    [Fact]
    public async Task Verify_WhenThePollCapIsReachedWhileTheInstanceIsCreated_ShouldStillDeleteTheScratchInstance()
    {
        // Arrange: one poll only, so the flow fails while the instance it created is still being created.
        await env.InvokeAsync("PostgresBackupFunction", "{}");

        // Act
        var execution = await env.RunAsync(Machine, new { maxPolls = 1 }, "verify-capped");

        // Assert
        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("PollCapReached", execution.Error);
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("verify-verify-capped"));
        Assert.Contains("verification:failed:verify-backup", await env.AuditTrailAsync());
    }

    [Fact]
    public async Task Verify_WhenAskedForProductionsServerWithTheOptIn_ShouldVerifyThereWithoutCreatingAnInstance()
    {
        // Arrange
        var backup = await env.InvokeAsync("PostgresBackupFunction", "{}");

        // Act
        var execution = await env.RunAsync(Machine, new { onProductionServer = true }, "verify-production");

        // Assert
        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        var output = JsonNode.Parse(execution.Output!)!;
        Assert.Equal("production", output["server"]!["kind"]!.GetValue<string>());
        Assert.Equal(backup["backupId"]!.GetValue<string>(), output["measure"]!["backupId"]!.GetValue<string>());
        Assert.True(output["verification"]!["passed"]!.GetValue<bool>());
        Assert.True(output["storage"]!["datapoints"]![0]!["Minimum"]!.GetValue<double>() > 0);
        Assert.Null(await env.InstanceStatusAsync("verify-verify-production"));
    }

    [Fact]
    public async Task PostgresVerify_WhenItWouldRunOnProductionsServerWithoutTheOptIn_ShouldRefuseNamingTheFieldAndChangeNothing()
    {
        // Arrange
        await env.InvokeAsync("PostgresBackupFunction", "{}");
        var verifiedBefore = await VerifyBackupData.VerifiedIndexAsync(env);

        // Act
        var function = env.Cloud.Functions.Find("PostgresVerifyFunction");
        var result = await env.Cloud.Functions.InvokeAsync(function, Encoding.UTF8.GetBytes("{}"), CancellationToken.None);

        // Assert
        Assert.Equal("InvalidInputException", result.Error?.ErrorType);
        Assert.StartsWith("onProductionServer:", result.Error!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("\"onProductionServer\": true", result.Error.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(verifiedBefore, await VerifyBackupData.VerifiedIndexAsync(env));
        Assert.Equal(0L, await VerifyBackupData.ScratchDatabasesAsync("#" + result.RequestId));
    }

    [Fact]
    public async Task Verify_WhenTheServerHasLessFreeStorageThanTheRestoreNeeds_ShouldRefuseNamingBothFiguresAndChangeNothing()
    {
        // Arrange: RDS reports 1 MB free on production's instance.
        await env.InvokeAsync("PostgresBackupFunction", "{}");
        var verifiedBefore = await VerifyBackupData.VerifiedIndexAsync(env);
        var dimensions = new Dictionary<string, string> { ["DBInstanceIdentifier"] = RecoveryCloud.Instance };
        env.Cloud.CloudWatch.SetServiceMetric("AWS/RDS", "FreeStorageSpace", dimensions, 1_000_000);
        try
        {
            // Act
            var execution = await env.RunAsync(Machine, new { onProductionServer = true }, "verify-full");

            // Assert
            Assert.Equal("FAILED", execution.Status);
            Assert.Equal("InsufficientStorageException", execution.Error);
            Assert.Contains("has 1000000 bytes free", execution.Cause, StringComparison.Ordinal);
            Assert.Matches(@"needs \d+ bytes \(raw dump \d+ bytes × 2 \+ 1073741824", execution.Cause!);
            Assert.Equal(verifiedBefore, await VerifyBackupData.VerifiedIndexAsync(env));
            Assert.Equal(0L, await VerifyBackupData.ScratchDatabasesAsync(":verify-full"));
            Assert.Null(await env.InstanceStatusAsync("verify-verify-full"));
            Assert.Contains("verification:failed:verify-backup", await env.AuditTrailAsync());
        }
        finally
        {
            env.Cloud.CloudWatch.RemoveServiceMetric("AWS/RDS", "FreeStorageSpace", dimensions);
        }
    }
}

/// <summary>What the verify-backup tests share: the data backed up, and how to look at what a verification leaves.</summary>
internal static class VerifyBackupData
{
    public static Task CreateAsync(string database) => RecoveryCloud.ExecuteAsync(database, """
        DROP TABLE IF EXISTS reviews, jobs CASCADE;
        CREATE TABLE jobs (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, title text NOT NULL, price numeric(10,2));
        CREATE TABLE reviews (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, job_id bigint NOT NULL REFERENCES jobs(id), rating int NOT NULL);
        INSERT INTO jobs (title, price) SELECT 'job ' || g, g * 2.5 FROM generate_series(1, 300) g;
        INSERT INTO reviews (job_id, rating) SELECT g, (g % 5) + 1 FROM generate_series(1, 300, 3) g;
        """);

    /// <summary>
    /// Scratch databases (dr_verify_*) on the local servers' cluster, production's server, leased to an owner that ends with
    /// <paramref name="ownerSuffix"/> (<c>:&lt;execution name&gt;</c> for a flow, <c>#&lt;request id&gt;</c> for an invocation): other
    /// test classes verify on the same cluster at the same time, each under its own owner.
    /// </summary>
    public static async Task<long> ScratchDatabasesAsync(string ownerSuffix)
    {
        await using var connection = new NpgsqlConnection(LocalServers.Postgres.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'dr\\_verify\\_%' " +
            "AND (shobj_description(oid, 'pg_database')::jsonb ->> 'owner') LIKE '%' || $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ownerSuffix });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The catalog's verified index (every passed verification), as keys.</summary>
    public static async Task<List<string>> VerifiedIndexAsync(RecoveryCloud env)
    {
        using var s3 = env.Cloud.S3!.CreateClient();
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = BackupBucket(env), Prefix = "catalog/" });
        return [.. (listing.S3Objects ?? []).Select(o => o.Key).Where(k => k.Contains("/verified/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    /// <summary>A JSON object of the backup bucket.</summary>
    public static async Task<JsonNode> ReadBackupObjectAsync(RecoveryCloud env, string key)
    {
        using var s3 = env.Cloud.S3!.CreateClient();
        using var response = await s3.GetObjectAsync(BackupBucket(env), key);
        return JsonNode.Parse(response.ResponseStream)!;
    }

    private static string BackupBucket(RecoveryCloud env) => env.Cloud.Stack.Buckets.Single(b => b.LogicalId == "BackupBucket").BucketName;
}
