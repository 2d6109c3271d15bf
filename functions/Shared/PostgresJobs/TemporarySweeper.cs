using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Jobs;
using DisasterRecovery.Lambda;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// The sweeper (function <c>SweepTemporary</c>, run hourly by the <c>sweep-abandoned-instances</c> flow): removes every
/// expired temporary thing the jobs create — the servers' <c>dr_restoring_</c>/<c>dr_verify_</c> databases, restore targets a
/// killed restore renamed away (renamed back), the bucket's abandoned multipart uploads — never a live one, and audits what
/// it removed (one <c>deletion</c> event per place). A place it cannot reach does not stop the others; the sweep then fails
/// with that place's error after auditing the rest.
/// </summary>
public sealed class TemporarySweeper(PostgresJobServices services, string? scratchSecretId = null)
{
    /// <summary>Sweeps what <paramref name="request"/> names within <paramref name="context"/>'s deadline.</summary>
    public async Task<SweepTemporaryResult> RunAsync(SweepTemporaryRequest request, ILambdaContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var jobs = services.Jobs;
        var connections = request.Servers ?? [new DatabaseConnection { SecretId = jobs.DefaultSecretId },
            .. scratchSecretId is null || scratchSecretId == jobs.DefaultSecretId ? [] : new[] { new DatabaseConnection { SecretId = scratchSecretId } }];
        var servers = new List<PostgresEndpoint>();
        for (var i = 0; i < connections.Count; i++)
        {
            servers.Add(await connections[i].ResolveAsync(jobs.Secrets, $"servers[{i}]", context.CancellationToken).ConfigureAwait(false));
        }

        var actor = request.RequestedBy ?? $"{context.InvokedFunctionArn}#{context.RequestId}";
        return await SweepAsync(servers, request, actor, context.Logger, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sweeps <paramref name="servers"/> (their <c>Database</c> is ignored) and the catalog's bucket (every backup's uploads),
    /// with <paramref name="request"/>'s grace and idle times; audits as <paramref name="actor"/>. The in-process entry point.
    /// </summary>
    public async Task<SweepTemporaryResult> SweepAsync(IReadOnlyList<PostgresEndpoint> servers, SweepTemporaryRequest request, string actor, JsonLogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var jobs = services.Jobs;
        var grace = TimeSpan.FromMinutes(request.GraceMinutes ?? TemporaryDatabases.DefaultGrace.TotalMinutes);
        var idle = TimeSpan.FromMinutes(request.UploadIdleMinutes ?? AbandonedUploads.DefaultIdle.TotalMinutes);
        var places = servers.Select(server => (Func<Task<TemporarySweep>>)(() =>
                PostgresTemporarySweeps.DatabasesAsync(server, null, grace, jobs.Time, logger, cancellationToken)))
            .Append(() => PostgresTemporarySweeps.UploadsAsync(jobs.S3, jobs.Catalog.Bucket, BackupKeys.BackupsRoot, idle, jobs.Time, logger, cancellationToken))
            .ToList();
        var swept = new List<SweptTemporary>();
        var audited = 0;
        Exception? firstFailure = null;
        foreach (var place in places)
        {
            TemporarySweep sweep;
            try
            {
                sweep = await place().ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.Error("could not sweep a place; going on with the others", ("error", e));
                firstFailure ??= e;
                continue;
            }

            swept.AddRange(sweep.Swept);
            if (TemporarySweepAudit.Event(sweep.Resource, actor, "sweeper", sweep.Swept) is { } auditEvent)
            {
                await jobs.AuditLog(logger).AppendAsync(auditEvent, CancellationToken.None).ConfigureAwait(false);
                audited++;
            }
        }

        logger.Info("temporary sweep done", ("swept", swept.Count), ("auditEvents", audited));
        if (firstFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(firstFailure).Throw();
        }

        return new SweepTemporaryResult(
            swept.Count(s => s.Outcome == SweptTemporary.Removed), swept.Count(s => s.Outcome == SweptTemporary.Restored),
            swept.Count(s => s.Outcome == SweptTemporary.Left),
            [.. swept.Select(s => new SweptTemporaryItem(s.Kind, s.Location, s.Name, s.Owner, s.CreatedAt, s.Outcome, s.Reason))], audited);
    }
}
