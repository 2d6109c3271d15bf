using Amazon.S3.Model;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Postgres;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.JobCrash.Tests.Harness;

/// <summary>One invariant checked at one moment of one case.</summary>
public sealed record InvariantResult(string Name, bool Held, string Detail);

/// <summary>The temporary things that exist at one moment: temporary databases and open multipart uploads.</summary>
public sealed record Leftovers(IReadOnlyList<string> Databases, IReadOnlyList<string> Uploads)
{
    public bool IsEmpty => Databases.Count == 0 && Uploads.Count == 0;

    /// <summary>Every name, for matching against audit events.</summary>
    public IEnumerable<string> Names => Databases.Concat(Uploads);

    public override string ToString() =>
        IsEmpty ? "nothing" : string.Join(", ", Databases.Select(d => $"database {d}").Concat(Uploads.Select(u => $"multipart upload of {u}")));
}

/// <summary>
/// Issue 19's crash invariants, each a check that names what it found: no partial backup is listed, the restore target
/// is untouched or complete, no temporary thing remains, the audit log shows the interrupted run.
/// </summary>
public sealed class CrashInvariants(CrashWorld world)
{
    public const string NoPartialBackupListed = "no partial backup is listed";
    public const string TargetUntouchedOrComplete = "the restore target is untouched or complete";
    public const string TargetCompleteAfterNextRun = "the restore target is complete after the next run";
    public const string NothingLeftAfterRecovery = "no temporary thing remains after the next run or one sweep";
    public const string NothingLeftAfterTerminate = "a SIGTERM'd job leaves no temporary thing behind";
    public const string TerminateEndsTheJob = "SIGTERM ends the job within ECS's stop timeout, audited";
    public const string LeftoversAudited = "what a SIGKILL'd job left is recorded in the audit log when removed";
    public const string NextRunSucceeds = "the next run succeeds";

    /// <summary>The temporary databases' prefixes (restore, verify, the target renamed away during a swap).</summary>
    public const string TemporaryDatabasePattern = "^dr_(restoring|verify|replaced)_";

    private readonly HashSet<string> _checkedBackups = new(StringComparer.Ordinal);

    /// <summary>
    /// Every index entry (committed and verified) names a backup whose manifest exists and whose objects all read back
    /// with the manifest's size and SHA-256. Backups already checked are not read again.
    /// </summary>
    public async Task<InvariantResult> NoPartialBackupListedAsync()
    {
        var problems = new List<string>();
        foreach (var verified in new[] { false, true })
        {
            foreach (var entry in await world.Catalog.ListBackupsAsync(BackupEngine.Postgres, CrashWorld.Source, verifiedOnly: verified))
            {
                if (!_checkedBackups.Add(entry.BackupId.Value + (verified ? "/verified" : string.Empty)))
                {
                    continue;
                }

                try
                {
                    var manifest = await world.Catalog.ReadManifestAsync(entry);
                    await world.Catalog.OpenReader(manifest).VerifyAllObjectsAsync();
                }
                catch (Exception e)
                {
                    problems.Add($"{(verified ? "verified" : "committed")} entry {entry.BackupId}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        return new InvariantResult(NoPartialBackupListed, problems.Count == 0,
            problems.Count == 0 ? $"{_checkedBackups.Count} index entries read back whole" : string.Join("; ", problems));
    }

    /// <summary>The target holds its original rows, or every row of the backup; not missing, not half-restored.</summary>
    public async Task<InvariantResult> TargetUntouchedOrCompleteAsync(bool completeOnly = false)
    {
        var name = completeOnly ? TargetCompleteAfterNextRun : TargetUntouchedOrComplete;
        DatabaseFingerprint? now;
        try
        {
            now = await DatabaseFingerprint.TryReadAsync(world.RestoreTarget);
        }
        catch (Npgsql.PostgresException e)
        {
            // e.g. 55000: a swap left the target refusing connections.
            return new InvariantResult(name, false, $"the target {world.RestoreTarget} cannot be read: {e.SqlState} {e.MessageText}");
        }

        if (now is null)
        {
            return new InvariantResult(name, false, $"the target database {world.RestoreTarget} does not exist");
        }

        if (world.SourceFingerprint.SameAs(now))
        {
            return new InvariantResult(name, true, "complete");
        }

        return !completeOnly && world.TargetFingerprint.SameAs(now)
            ? new InvariantResult(name, true, "untouched")
            : new InvariantResult(name, false, $"neither original nor the backup's content: {now}");
    }

    /// <summary>
    /// Temporary databases on the server (restore, verify, swap) whose lease names one of the crash runs as owner, or that
    /// carry no lease (other test assemblies may restore on the same server at the same time: their databases are theirs),
    /// and open multipart uploads in the world's own backup bucket.
    /// </summary>
    public async Task<Leftovers> LeftoversAsync()
    {
        var databases = new List<string>();
        await using (var connection = new Npgsql.NpgsqlConnection(PostgresTestServer.Server.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                $"SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database WHERE datname ~ '{TemporaryDatabasePattern}' ORDER BY 1", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var lease = TemporaryDatabaseLease.Parse(reader.IsDBNull(1) ? null : reader.GetString(1));
                if (lease is null || lease.Owner.StartsWith(CrashRunner.ActorPrefix, StringComparison.Ordinal))
                {
                    databases.Add(reader.GetString(0));
                }
            }
        }

        var uploads = await world.S3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = world.BackupBucket });
        return new Leftovers(databases, [.. (uploads.MultipartUploads ?? []).Select(u => u.Key)]);
    }

    /// <summary>
    /// Waits (30 s at most) until no session holds the lease lock of a leftover database and none is running a statement that
    /// names one: a statement the killed job had sent (a DROP DATABASE, a rename) runs to its end in the server even after the
    /// client is gone, and may remove what it named; the job's drop runs on a session of its own, not the one holding the lease.
    /// </summary>
    public static async Task SettleAsync(Leftovers left)
    {
        var keys = left.Databases.Select(TemporaryDatabases.LockKey).ToList();
        var mentions = string.Join(" OR ", left.Databases.Select(d => $"query LIKE '%{d.Replace("'", "''", StringComparison.Ordinal)}%'"));
        for (var waited = 0; keys.Count > 0 && waited < 150; waited++)
        {
            var held = await PostgresTestServer.ScalarAsync<long>("postgres",
                $"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = {TemporaryDatabases.LockClass} AND objsubid = 2 " +
                    $"AND objid::bigint IN ({string.Join(", ", keys)})");
            var running = await PostgresTestServer.ScalarAsync<long>("postgres",
                $"SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND ({mentions})");
            if (held == 0 && running == 0)
            {
                return;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Each thing a killed job left is named in an audit event appended after <paramref name="afterSequence"/>.</summary>
    public async Task<InvariantResult> LeftoversAuditedAsync(Leftovers left, long afterSequence)
    {
        if (left.IsEmpty)
        {
            return new InvariantResult(LeftoversAudited, true, "the kill left nothing to remove");
        }

        var records = (await world.AuditRecordsAsync()).Where(r => r.Sequence > afterSequence).ToList();
        var missing = left.Names.Where(name => !records.Any(r => Mentions(r, name))).ToList();
        return new InvariantResult(LeftoversAudited, missing.Count == 0,
            missing.Count == 0 ? $"{left} recorded as removed" : $"no audit event names {string.Join(", ", missing)}");
    }

    /// <summary>The job's own audit event for <paramref name="actor"/>: failed when it exited 1, succeeded when it exited 0.</summary>
    public async Task<InvariantResult> TerminatedRunAuditedAsync(string actor, int? exitCode)
    {
        if (exitCode is null)
        {
            return new InvariantResult(TerminateEndsTheJob, false, "the job was still running 30 s after SIGTERM (ECS would SIGKILL it)");
        }

        var expected = exitCode == 0 ? AuditResults.Succeeded : AuditResults.Failed;
        var events = (await world.AuditRecordsAsync()).Where(r => r.Actor == actor).ToList();
        var held = exitCode is 0 or 1 && events.Any(r => r.Result == expected);
        return new InvariantResult(TerminateEndsTheJob, held,
            $"exit code {exitCode}; audit events of the run: {(events.Count == 0 ? "none" : string.Join(", ", events.Select(Describe)))}");
    }

    public static string Describe(AuditRecord record) =>
        $"{record.Action} {record.Result} {record.Resource}" +
            (record.Details.TryGetValue("errorType", out var type) ? $" ({type})" : string.Empty);

    private static bool Mentions(AuditRecord record, string name) =>
        record.Resource.Contains(name, StringComparison.Ordinal)
        || record.RelatedIds.Any(id => id.Contains(name, StringComparison.Ordinal))
        || record.Details.Values.Any(v => v.Contains(name, StringComparison.Ordinal));
}
