using Amazon.S3;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// The sweeps the PostgreSQL jobs and the sweeper run, each as a <see cref="TemporarySweep"/> the job layer audits: a
/// server's expired temporary databases (<see cref="TemporaryDatabases"/>) and a bucket's abandoned multipart uploads
/// (<see cref="AbandonedUploads"/>).
/// </summary>
public static class PostgresTemporarySweeps
{
    /// <summary>The audit resource of a server's temporary databases: <c>postgres/host:port/temporary-databases</c>.</summary>
    public static string DatabasesResource(PostgresEndpoint server) => $"postgres/{server.Host}:{server.Port}/temporary-databases";

    /// <summary>The audit resource of a bucket's uploads: <c>s3/bucket/multipart-uploads</c>.</summary>
    public static string UploadsResource(string bucket) => $"s3/{bucket}/multipart-uploads";

    /// <summary>Removes <paramref name="server"/>'s expired temporary databases of <paramref name="kinds"/> (null: every kind).</summary>
    public static async Task<TemporarySweep> DatabasesAsync(PostgresEndpoint server, IReadOnlyList<string>? kinds, TimeSpan grace, TimeProvider time,
        JsonLogger? logger, CancellationToken cancellationToken)
    {
        var swept = await TemporaryDatabases.SweepAsync(server, new TemporaryDatabaseSweepOptions { Kinds = kinds, Grace = grace, Time = time }, logger,
            cancellationToken).ConfigureAwait(false);
        return new TemporarySweep(DatabasesResource(server), swept);
    }

    /// <summary>Aborts the uploads under <paramref name="prefix"/> in <paramref name="bucket"/> idle for <paramref name="idle"/> or more.</summary>
    public static async Task<TemporarySweep> UploadsAsync(IAmazonS3 s3, string bucket, string prefix, TimeSpan idle, TimeProvider time,
        JsonLogger? logger, CancellationToken cancellationToken)
    {
        var swept = await new AbandonedUploads(s3, bucket, time).AbortExpiredAsync(prefix, idle, cancellationToken).ConfigureAwait(false);
        foreach (var upload in swept)
        {
            logger?.Warn("swept an abandoned multipart upload", ("outcome", upload.Outcome), ("upload", upload.Name), ("reason", upload.Reason));
        }

        return new TemporarySweep(UploadsResource(bucket), swept);
    }
}
