using DisasterRecovery.Audit;
using DisasterRecovery.Core;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Jobs;

/// <summary>
/// The shape every engine's backup, restore and verify job has: <see cref="PrepareAsync"/> resolves (secrets, defaults)
/// and locates (the backup in the catalog); <see cref="ExecuteAsync"/> runs the engine, under the invocation's deadline
/// (a cancellation becomes <see cref="DeadlineExceededException"/>); <see cref="Report"/> says what the audit event
/// records. This class writes the audit event, one way for every job: a failure anywhere is audited as <c>failed</c>
/// (with the error's type and message) and rethrown, so the invocation fails and the alarm on Errors fires; a finished
/// run is audited from its report, loudly (an audit log that cannot take the event fails the invocation), and a report
/// that carries a failure is audited as <c>failed</c>, then thrown.
/// </summary>
/// <typeparam name="TRequest">The job's input record.</typeparam>
/// <typeparam name="TPlan">What preparation found: endpoints, the located manifest.</typeparam>
/// <typeparam name="TResult">The job's output record.</typeparam>
public abstract class CatalogJob<TRequest, TPlan, TResult>
    where TRequest : IJobRequest
{
    /// <param name="services">The catalog, audit log, secrets and clock.</param>
    /// <param name="engine">The engine's name in audit resources (<c>postgres</c>).</param>
    /// <param name="action">The audit action (<see cref="AuditActions"/>).</param>
    protected CatalogJob(JobServices services, string engine, string action)
    {
        Services = services;
        Engine = engine;
        Action = action;
    }

    public JobServices Services { get; }

    /// <summary>The engine's name in audit resources.</summary>
    public string Engine { get; }

    /// <summary>The audit action.</summary>
    public string Action { get; }

    /// <summary>Runs the job for <paramref name="request"/> within <paramref name="context"/>'s deadline, audited.</summary>
    public async Task<TResult> RunAsync(TRequest request, ILambdaContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var run = new JobRun(
            Services, request.Source ?? Services.Source, request.RequestedBy ?? $"{context.InvokedFunctionArn}#{context.RequestId}",
            context.Logger, context.CancellationToken);
        TPlan plan;
        TResult result;
        try
        {
            plan = await PrepareAsync(request, run).ConfigureAwait(false);
            result = await DeadlineExceeded.MapAsync(async () =>
            {
                await SweepAtStartAsync(request, plan, run).ConfigureAwait(false);
                return await ExecuteAsync(request, plan, run).ConfigureAwait(false);
            }, Activity(plan), run.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var details = new Dictionary<string, string>(FailureDetails(request) ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                ["errorType"] = e.GetType().Name,
                ["error"] = e.Message,
            };
            var subject = FailureSubject(request);
            var resource = subject is null ? $"{Engine}/{run.Source}" : $"{Engine}/{run.Source}/{subject}";
            await AppendAsync(run, new AuditEvent { Action = Action, Resource = resource, Actor = run.Actor, Result = AuditResults.Failed, Details = details },
                quietly: true, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        // The work is done: its audit event is written even when a stop signal or the deadline's margin came meanwhile.
        var report = Report(request, plan, result);
        await AppendAsync(run, new AuditEvent
        {
            Action = Action,
            Resource = $"{Engine}/{run.Source}/{report.BackupId}",
            Actor = run.Actor,
            Result = report.Passed ? AuditResults.Succeeded : AuditResults.Failed,
            RelatedIds = [report.BackupId],
            Details = report.Details,
        }, quietly: !report.Passed, CancellationToken.None).ConfigureAwait(false);
        return report.Failure is { } failure ? throw failure : result;
    }

    /// <summary>
    /// Removes the expired temporary things of this job's kind where it is about to work (its server's temporary databases, its
    /// bucket's abandoned uploads): what a killed earlier run left. Never a live one: see the engine's lease convention. Runs
    /// after <see cref="PrepareAsync"/>, before <see cref="ExecuteAsync"/>; none by default.
    /// </summary>
    protected virtual Task<TemporarySweep?> SweepExpiredAsync(TRequest request, TPlan plan, JobRun run) => Task.FromResult<TemporarySweep?>(null);

    /// <summary>Resolves what the request leaves to defaults and secrets, and locates the backup.</summary>
    protected abstract Task<TPlan> PrepareAsync(TRequest request, JobRun run);

    /// <summary>Runs the engine; a cancellation by the deadline is turned into <see cref="DeadlineExceededException"/> naming <see cref="Activity"/>.</summary>
    protected abstract Task<TResult> ExecuteAsync(TRequest request, TPlan plan, JobRun run);

    /// <summary>What the audit event of a finished run records.</summary>
    protected abstract JobReport Report(TRequest request, TPlan plan, TResult result);

    /// <summary>What the run does, for the deadline's error (<c>the backup</c>).</summary>
    protected abstract string Activity(TPlan plan);

    /// <summary>The last part of a failed run's audit resource: the backup asked for (<c>latest</c> when none); null for none.</summary>
    protected virtual string? FailureSubject(TRequest request) => request.BackupId ?? "latest";

    /// <summary>Details a failed run's audit event records beside the error.</summary>
    protected virtual IReadOnlyDictionary<string, string>? FailureDetails(TRequest request) => null;

    /// <summary>
    /// The start-of-job sweep, audited when it found something. A sweep that fails is logged and the job goes on (a restore in a
    /// disaster must not wait on yesterday's leftovers); the deadline still stops it.
    /// </summary>
    private async Task SweepAtStartAsync(TRequest request, TPlan plan, JobRun run)
    {
        TemporarySweep? sweep;
        try
        {
            sweep = await SweepExpiredAsync(request, plan, run).ConfigureAwait(false);
        }
        catch (Exception e) when (!run.CancellationToken.IsCancellationRequested)
        {
            run.Logger.Warn("could not sweep expired temporary things before starting; going on", ("error", e));
            return;
        }

        if (sweep is not null && TemporarySweepAudit.Event(sweep.Resource, run.Actor, $"{Action}-start", sweep.Swept) is { } auditEvent)
        {
            await AppendAsync(run, auditEvent, quietly: true, run.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Appends an audit event; a failure to append is logged and swallowed only when <paramref name="quietly"/> (on a path that is already
    /// failing).</summary>
    private async Task AppendAsync(JobRun run, AuditEvent auditEvent, bool quietly, CancellationToken cancellationToken)
    {
        try
        {
            await Services.AuditLog(run.Logger).AppendAsync(auditEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (quietly)
        {
            run.Logger.Error("could not append the audit event", ("action", auditEvent.Action), ("result", auditEvent.Result), ("error", e));
        }
    }
}
