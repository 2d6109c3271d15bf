using System.Text.Json.Nodes;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.JobCrash.Tests.Harness;

/// <summary>What one planned kill did and which invariants held.</summary>
public sealed record CrashOutcome(
    CrashCase Case, string PhaseAtKill, bool Killed, int? ExitCode, Leftovers LeftAfterKill, string Recovery, IReadOnlyList<InvariantResult> Invariants)
{
    public bool AllHeld => Invariants.All(i => i.Held);

    public override string ToString() =>
        $"{Case}: killed in '{PhaseAtKill}'{(Killed ? string.Empty : " (the job had ended first)")}, exit {ExitCode?.ToString() ?? "none"}, " +
            $"left {LeftAfterKill}, recovery: {Recovery}" +
                string.Concat(Invariants.Where(i => !i.Held).Select(i => $"\n    VIOLATED {i.Name}: {i.Detail}"));
}

/// <summary>
/// Runs planned kills against a <see cref="CrashWorld"/>: starts the job as a process, waits for the planned phase and
/// delay, sends the signal, then checks the invariants after the kill, runs the recovery (the next run, or one sweep),
/// and checks them again.
/// </summary>
public sealed class CrashRunner(CrashWorld world, ICrashSweeper? sweeper, Action<string>? log = null)
{
    /// <summary>Every crash run's actor (<c>requestedBy</c>, the owner in its leases) starts with this.</summary>
    public const string ActorPrefix = "crash-";

    /// <summary>ECS's default stop timeout: a task still running this long after SIGTERM is SIGKILLed.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(3);

    private readonly CrashInvariants _invariants = new(world);
    private int _runs;

    /// <summary>Commits the backup that restores and verifications read (a job process run to completion).</summary>
    public async Task PrepareAsync()
    {
        var (exit, job) = await RunToCompletionAsync(CrashJob.Backup, ActorPrefix + "setup");
        await using (job)
        {
            if (exit != 0)
            {
                throw new InvalidOperationException($"the setup backup failed (exit {exit}):\n{string.Join('\n', job.Lines)}");
            }
        }

        world.BackupId = (await world.Catalog.ListBackupsAsync(Catalog.BackupEngine.Postgres, CrashWorld.Source)).First().BackupId.Value;
    }

    /// <summary>Runs one planned kill and returns what held.</summary>
    public async Task<CrashOutcome> RunAsync(CrashCase plan, int seed)
    {
        if (plan.Job == CrashJob.Restore)
        {
            await world.ResetRestoreTargetAsync();
        }

        var before = await _invariants.LeftoversAsync();
        var actor = $"{ActorPrefix}{seed}-{plan.Number}";
        var invariants = new List<InvariantResult>();
        string phase;
        bool killed;
        int? exit;
        await using (var job = Start(plan.Job, actor))
        {
            using var guard = new CancellationTokenSource(PhaseTimeout);
            var reached = await job.WaitForPhaseAsync(plan.TargetPhase, guard.Token);
            if (reached && plan.DelayMilliseconds > 0)
            {
                await Task.Delay(plan.DelayMilliseconds);
            }

            phase = job.HasExited ? "ended" : job.Phase;
            killed = job.Send(plan.Signal);
            exit = await job.WaitForExitAsync(StopTimeout);
            if (plan.Signal == CrashSignal.Terminate && killed)
            {
                invariants.Add(await _invariants.TerminatedRunAuditedAsync(actor, exit));
            }

            if (exit is null)
            {
                job.Send(CrashSignal.Kill);
                await job.WaitForExitAsync(StopTimeout);
            }

            log?.Invoke($"{plan}: killed={killed} in '{phase}', exit {exit?.ToString() ?? "none"}");
        }

        var after = Except(await _invariants.LeftoversAsync(), before);
        if (!after.IsEmpty)
        {
            await CrashInvariants.SettleAsync(after);
            after = Except(await _invariants.LeftoversAsync(), before);
        }

        invariants.Add(await _invariants.NoPartialBackupListedAsync());
        if (plan.Job == CrashJob.Restore)
        {
            invariants.Add(await _invariants.TargetUntouchedOrCompleteAsync());
        }

        if (plan.Signal == CrashSignal.Terminate && killed)
        {
            invariants.Add(new InvariantResult(CrashInvariants.NothingLeftAfterTerminate, after.IsEmpty, $"left {after}"));
        }

        var auditedUpTo = (await world.AuditRecordsAsync()).Select(r => r.Sequence).DefaultIfEmpty(0).Max();
        await CrashWorld.AgeLeasesAsync(after.Databases);
        var recovery = await RecoverAsync(plan, actor, invariants);
        var remaining = Except(await _invariants.LeftoversAsync(), before);
        invariants.Add(new InvariantResult(CrashInvariants.NothingLeftAfterRecovery, remaining.IsEmpty, $"left after {recovery}: {remaining}"));
        if (plan.Signal == CrashSignal.Kill)
        {
            invariants.Add(await _invariants.LeftoversAuditedAsync(after, auditedUpTo));
        }

        invariants.Add(await _invariants.NoPartialBackupListedAsync());
        if (plan.Job == CrashJob.Restore)
        {
            invariants.Add(await _invariants.TargetUntouchedOrCompleteAsync(completeOnly: recovery == "the next run"));
        }

        return new CrashOutcome(plan, phase, killed, exit, after, recovery, invariants);
    }

    /// <summary>The next run to completion, or one sweep; without a sweeper, the next run.</summary>
    private async Task<string> RecoverAsync(CrashCase plan, string actor, List<InvariantResult> invariants)
    {
        if (plan.Recovery == CrashRecovery.Sweep && sweeper is not null)
        {
            var swept = await sweeper.SweepAsync(world, actor + "-sweep");
            log?.Invoke($"  sweep: {swept}");
            return "one sweep";
        }

        var (exit, job) = await RunToCompletionAsync(plan.Job, actor + "-next");
        await using (job)
        {
            invariants.Add(new InvariantResult(CrashInvariants.NextRunSucceeds, exit == 0,
                exit == 0 ? "exit 0" : $"exit {exit}: {string.Join(" | ", job.Lines.Where(l => l.Contains("\"error", StringComparison.Ordinal)).Take(3))}"));
        }

        return "the next run";
    }

    private async Task<(int? Exit, JobProcess Job)> RunToCompletionAsync(CrashJob kind, string actor)
    {
        var job = Start(kind, actor);
        return (await job.WaitForExitAsync(PhaseTimeout), job);
    }

    private JobProcess Start(CrashJob kind, string actor)
    {
        var (project, assembly) = kind switch
        {
            CrashJob.Backup => ("functions/PostgresBackup", "PostgresBackup"),
            CrashJob.Restore => ("functions/PostgresRestore", "PostgresRestore"),
            _ => ("functions/PostgresVerify", "PostgresVerify"),
        };
        var input = kind switch
        {
            CrashJob.Backup => new JsonObject { ["retentionTier"] = "daily" },
            CrashJob.Restore => new JsonObject
            {
                ["backupId"] = world.BackupId,
                ["target"] = new JsonObject { ["secretId"] = CrashWorld.SecretId, ["database"] = world.RestoreTarget },
                ["replace"] = true,
            },
            // One server here, production's: the verification opts in to restoring its scratch copy there.
            _ => new JsonObject { ["backupId"] = world.BackupId, ["onProductionServer"] = true },
        };
        input["source"] = CrashWorld.Source;
        input["requestedBy"] = actor;
        var resultKey = $"jobs/{actor}/{Interlocked.Increment(ref _runs)}.json";
        return JobProcess.Start(RepositoryPaths.BuiltAssembly(project, assembly), world.JobEnvironment(input.ToJsonString(), resultKey));
    }

    private static Leftovers Except(Leftovers now, Leftovers before) =>
        new([.. now.Databases.Except(before.Databases, StringComparer.Ordinal)], [.. now.Uploads.Except(before.Uploads, StringComparer.Ordinal)]);
}

/// <summary>One sweep of what expired jobs left (issue 19 items 1–2: leases' sweeper), as the crash test calls it.</summary>
public interface ICrashSweeper
{
    /// <summary>Sweeps the world's PostgreSQL server and backup bucket once; returns a one-line account of what it removed.</summary>
    Task<string> SweepAsync(CrashWorld world, string actor);
}
