using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.PostgresJobs;
using DisasterRecovery.Secrets;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.JobCrash.Tests.Harness;

/// <summary>The sweeper the crash test calls between a kill and the check that nothing is left.</summary>
public static class CrashSweepers
{
    /// <summary>The job layer's <see cref="TemporarySweeper"/> (issue 19 items 1–2), with the scheduled sweep's defaults.</summary>
    public static ICrashSweeper Default { get; } = new TemporarySweeperAdapter();
}

/// <summary>
/// One run of <see cref="TemporarySweeper"/> in process, wired as the <c>SweepTemporary</c> function wires it (the world's
/// buckets, the database secret), over the local PostgreSQL server, with the request the hourly flow sends (<c>{}</c>:
/// default grace and upload idle times).
/// </summary>
public sealed class TemporarySweeperAdapter : ICrashSweeper
{
    /// <inheritdoc />
    public async Task<string> SweepAsync(CrashWorld world, string actor)
    {
        var services = PostgresJobServices.Create(
            world.S3.Client, new BackupCatalogOptions { Bucket = world.BackupBucket }, new AuditLogOptions { Bucket = world.AuditBucket },
            new InjectedSecretSource(CrashWorld.SecretId, world.SecretJson()), PostgresTestServer.Tools, CrashWorld.SecretId, CrashWorld.Source);
        var logger = new JsonLogger("crash-sweep", TextWriter.Null, TimeProvider.System);
        var result = await new TemporarySweeper(services).SweepAsync(
            [PostgresTestServer.Endpoint("postgres")], new SweepTemporaryRequest(), actor, logger, CancellationToken.None);
        return $"removed {result.Removed}, restored {result.Restored}, left {result.Left}" +
            string.Concat(result.Swept.Select(s => $"; {s.Outcome} {s.Kind} {s.Name}"));
    }
}
