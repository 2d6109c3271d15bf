using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>Reads from the catalog the backup an estimate rests on, and estimates the job (<see cref="RunnerEstimator"/>).</summary>
public sealed class JobHistory(BackupCatalog catalog, RunnerEstimator estimator, TimeProvider time)
{
    /// <summary>The estimate for <paramref name="request"/>'s job on a database <paramref name="assessment"/> describes.</summary>
    public async Task<RunnerEstimate> EstimateAsync(
        PostgresAssessRequest request, string source, PostgresAssessResult assessment, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (request.Job == JobKind.Backup)
        {
            var entry = await catalog.FindLatestAsync(BackupEngine.Postgres, source, now, verifiedOnly: false, BackupKind.Full, cancellationToken)
                .ConfigureAwait(false);
            var last = entry is null ? null : await catalog.ReadManifestAsync(entry, cancellationToken).ConfigureAwait(false);
            return estimator.Backup(last, assessment.SizeBytes, assessment.EstimatedRows);
        }

        try
        {
            // The same choice PostgresRestore makes for the same fields, so the estimate is for the backup it will restore.
            var backup = await new PostgresBackupLocator(catalog).LocateAsync(
                source, JobRequestFields.BackupIdOf(request.BackupId), request.Before ?? now, verifiedOnly: request.AllowUnverified != true,
                cancellationToken).ConfigureAwait(false);
            return estimator.Restore(backup, null, assessment.SizeBytes);
        }
        catch (BackupNotFoundException e)
        {
            return estimator.Restore(null, e.Message, assessment.SizeBytes);
        }
    }
}
