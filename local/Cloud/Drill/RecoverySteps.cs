using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Platform;
using Npgsql;

namespace DisasterRecovery.LocalCloud.Drill;

/// <summary>The plan's objectives for PostgreSQL (§2), which the drill's recovery steps measure themselves against.</summary>
public static class PostgresObjectives
{
    /// <summary>Recovery time objective: 1 hour.</summary>
    public static readonly TimeSpan Rto = TimeSpan.FromHours(1);

    /// <summary>Recovery point objective: 15 minutes.</summary>
    public static readonly TimeSpan Rpo = TimeSpan.FromMinutes(15);

    /// <summary>"12.3 s (RTO 1 h: met)".</summary>
    public static string AgainstRto(TimeSpan took) => $"{Drill.Describe(took)} (RTO {Label(Rto)}: {(took <= Rto ? "met" : "MISSED")})";

    /// <summary>"40.0 s (RPO 15 min: met)".</summary>
    public static string AgainstRpo(TimeSpan lost) => $"{Drill.Describe(lost)} (RPO {Label(Rpo)}: {(lost <= Rpo ? "met" : "MISSED")})";

    /// <summary>An objective as the plan writes it: "1 h", "15 min".</summary>
    public static string Label(TimeSpan objective) => objective.TotalMinutes >= 60 && objective.TotalMinutes % 60 == 0
        ? $"{objective.TotalHours:0} h"
        : $"{objective.TotalMinutes:0} min";
}

/// <summary>Helpers the recovery steps share: invoking functions, reading rows, the database's clock.</summary>
internal static class Drill
{
    public static string Describe(TimeSpan t) => t.TotalSeconds < 120
        ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : t.TotalMinutes < 120 ? t.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture) + " min"
            : t.TotalHours.ToString("0.0", CultureInfo.InvariantCulture) + " h";

    public static async Task<JsonNode> InvokeAsync(DrillContext context, string function, JsonObject payload, CancellationToken cancellationToken)
    {
        var result = await context.Cloud.Functions.InvokeAsync(context.Cloud.Functions.Find(function), Encoding.UTF8.GetBytes(payload.ToJsonString()),
            cancellationToken).ConfigureAwait(false);
        return result.Error is null
            ? JsonNode.Parse(result.Output!)!
            : throw new LocalCloudException($"{function} failed: {result.Error.ErrorType}: {result.Error.ErrorMessage}");
    }

    public static NpgsqlConnection Connect(DrillContext context, int? port = null)
    {
        var servers = context.Servers ?? throw new InvalidOperationException("the local servers step must run first");
        return new NpgsqlConnection(servers.PostgresConnectionString(context.Database?.Database ?? MarketplaceDatabase.DefaultName, port));
    }

    public static async Task ExecuteAsync(DrillContext context, string sql, CancellationToken cancellationToken)
    {
        await using var connection = Connect(context);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>count(*) and an order-independent fingerprint of a table's rows (sum of the rows' md5 prefixes).</summary>
    public static async Task<(long Rows, decimal Fingerprint)> FingerprintAsync(DrillContext context, string table, CancellationToken cancellationToken,
        int? port = null)
    {
        await using var connection = Connect(context, port);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var quoted = MarketplaceDatabase.QuoteIdentifier(table);
        await using var command = new NpgsqlCommand(
            $"SELECT count(*), COALESCE(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::numeric FROM public.{quoted} t", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetDecimal(1));
    }

    /// <summary>The database server's clock, to the millisecond (what RDS restore times are compared with).</summary>
    public static async Task<DateTimeOffset> DatabaseNowAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await using var connection = Connect(context);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT date_trunc('milliseconds', clock_timestamp())", connection);
        var now = (DateTime)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc));
    }

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static async Task<JsonNode?> RdsAsync(DrillContext context, string action, JsonObject parameters, CancellationToken cancellationToken)
    {
        var rds = await context.Cloud.GetRdsAsync(cancellationToken).ConfigureAwait(false);
        return await rds.CallAsync(context.Cloud.Stack.Region, action, parameters, cancellationToken).ConfigureAwait(false);
    }

    public static string ExecutionName(DrillContext context, string flow) =>
        $"drill-{flow}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";
}

/// <summary>The plan's nightly backup and daily verification (§1.1, §5.2): PostgresBackup, then PostgresVerify of that backup.</summary>
public sealed class BackupAndVerifyStep : IDrillStep
{
    /// <inheritdoc />
    public string Name => "Back up the marketplace database and verify the backup";

    /// <inheritdoc />
    public async Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var backup = await Drill.InvokeAsync(context, "PostgresBackupFunction", new JsonObject(), cancellationToken).ConfigureAwait(false);
        var backupTook = clock.Elapsed;
        var backupId = backup["backupId"]!.GetValue<string>();
        clock.Restart();
        // The drill's local servers have no scratch server beside production's: it opts in (the verify-backup flow does not need to).
        var verify = await Drill.InvokeAsync(context, "PostgresVerifyFunction", new JsonObject { ["backupId"] = backupId, ["onProductionServer"] = true },
            cancellationToken).ConfigureAwait(false);
        context.LastVerifiedBackupAt =
            DateTimeOffset.Parse(backup["completedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var stored = backup["storedBytes"]!.GetValue<long>() / 1024.0 / 1024.0;
        return new DrillStepOutcome(true, FormattableString.Invariant(
            $"backup {backupId}: {backup["tables"]} tables, {backup["rows"]} rows, {stored:0.0} MiB stored, {Drill.Describe(backupTook)}; ") +
            FormattableString.Invariant($"verified ({verify["checks"]!.AsArray().Count} checks) in {Drill.Describe(clock.Elapsed)}"));
    }
}

/// <summary>
/// Plan §3.3: 10% of the reviews deleted and the payments table dropped "by accident", then the point-in-time-recovery
/// flow brings both back from a side instance restored to just before; the step checks every row came back and
/// reports the recovery time and the data at risk (how far the WAL archive lagged behind the damage) against the plan.
/// </summary>
public sealed class PointInTimeRecoveryStep : IDrillStep
{
    /// <inheritdoc />
    public string Name => "Point-in-time recovery of deleted reviews and a dropped payments table";

    /// <inheritdoc />
    public async Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var reviews = await Drill.FingerprintAsync(context, "reviews", cancellationToken).ConfigureAwait(false);
        var payments = await Drill.FingerprintAsync(context, "payments", cancellationToken).ConfigureAwait(false);
        await Drill.ExecuteAsync(context, "SELECT pg_sleep(0.05)", cancellationToken).ConfigureAwait(false);
        var beforeDamage = await Drill.DatabaseNowAsync(context, cancellationToken).ConfigureAwait(false);
        await Drill.ExecuteAsync(context, "SELECT pg_sleep(0.05)", cancellationToken).ConfigureAwait(false);
        await Drill.ExecuteAsync(context, "DELETE FROM public.reviews WHERE id % 10 = 0; DROP TABLE public.payments;", cancellationToken).ConfigureAwait(false);
        var damagedAt = await Drill.DatabaseNowAsync(context, cancellationToken).ConfigureAwait(false);

        // What the archive held at the moment of the damage: RDS's LatestRestorableTime lags by the WAL upload interval.
        var described = await Drill.RdsAsync(context, "describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "technician-marketplace" },
            cancellationToken).ConfigureAwait(false);
        var latest = DateTimeOffset.Parse(described!["DbInstances"]![0]!["LatestRestorableTime"]!.GetValue<string>(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal);
        var atRisk = damagedAt > latest ? damagedAt - latest : TimeSpan.Zero;
        var rds = await context.Cloud.GetRdsAsync(cancellationToken).ConfigureAwait(false);
        await rds.FlushWalArchiveAsync("technician-marketplace", cancellationToken: cancellationToken).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        var name = Drill.ExecutionName(context, "pitr");
        var input = new JsonObject
        {
            ["sourceInstance"] = "technician-marketplace",
            ["restoreTime"] = Drill.Iso(beforeDamage),
            ["tables"] = new JsonArray("reviews", "payments"),
            ["mode"] = "insert-missing",
        };
        context.Output.WriteLine(
            $"      damage at {Drill.Iso(damagedAt)}: every 10th review deleted, the payments table dropped; restoring to {Drill.Iso(beforeDamage)}");
        var execution = await DrillFlow.RunAsync(context, "PointInTimeRecoveryStateMachine", input, name, cancellationToken).ConfigureAwait(false);
        var took = clock.Elapsed;
        if (execution.Status != "SUCCEEDED")
        {
            return new DrillStepOutcome(false, $"PointInTimeRecoveryStateMachine {DrillFlow.Outcome(execution)}", "PointInTimeRecoveryStateMachine");
        }

        var reviewsAfter = await Drill.FingerprintAsync(context, "reviews", cancellationToken).ConfigureAwait(false);
        var paymentsAfter = await Drill.FingerprintAsync(context, "payments", cancellationToken).ConfigureAwait(false);
        var same = reviewsAfter == reviews && paymentsAfter == payments;
        return new DrillStepOutcome(same,
            $"{(same ? "every deleted review and the dropped table are back" : "ROWS DIFFER after recovery")} ({reviews.Rows} reviews, {payments.Rows} " +
                $"payments); " +
            $"recovery time {PostgresObjectives.AgainstRto(took)}; data at risk (WAL archive lag at the damage) {PostgresObjectives.AgainstRpo(atRisk)}",
            "PointInTimeRecoveryStateMachine",
            new RecoveryMeasurement("point-in-time-recovery", took, atRisk, "WAL archive lag at the damage"));
    }
}

/// <summary>
/// Plan §3.1: job titles corrupted (reversibly), then the restore-database flow (application stopped, evidence snapshot, new instance,
/// newest verified backup restored and checked, application switched and restarted, health-checked). Reports the
/// recovery time and the data lost (the age of the backup at the incident) against the plan, then returns the
/// platform to the original database and removes the drill's instance and snapshot.
/// </summary>
public sealed class RestoreDatabaseStep : IDrillStep
{
    /// <inheritdoc />
    public string Name => "Restore the database from the last verified backup";

    /// <inheritdoc />
    public async Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var standIn = context.PlatformStandIn ?? throw new InvalidOperationException("the stand-in step must run first");
        var jobs = await Drill.FingerprintAsync(context, "jobs", cancellationToken).ConfigureAwait(false);
        await Drill.ExecuteAsync(context, "UPDATE public.jobs SET title = '#' || reverse(title) WHERE id % 7 = 0", cancellationToken).ConfigureAwait(false);
        var incidentAt = await Drill.DatabaseNowAsync(context, cancellationToken).ConfigureAwait(false);
        var lost = context.LastVerifiedBackupAt is { } backupAt && incidentAt > backupAt ? incidentAt - backupAt : (TimeSpan?)null;

        var clock = Stopwatch.StartNew();
        var name = Drill.ExecutionName(context, "restore");
        var input = new JsonObject { ["reason"] = "drill: corrupted job titles", ["healthUrl"] = standIn.HealthUrl.ToString() };
        context.Output.WriteLine($"      incident at {Drill.Iso(incidentAt)}: the title of every 7th job corrupted");
        var execution = await DrillFlow.RunAsync(context, "RestoreDatabaseStateMachine", input, name, cancellationToken).ConfigureAwait(false);
        var took = clock.Elapsed;
        try
        {
            if (execution.Status != "SUCCEEDED")
            {
                return new DrillStepOutcome(false, $"RestoreDatabaseStateMachine {DrillFlow.Outcome(execution)}", "RestoreDatabaseStateMachine");
            }

            var described = await Drill.RdsAsync(context, "describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "restored-" + name },
                cancellationToken).ConfigureAwait(false);
            var port = described!["DbInstances"]![0]!["Endpoint"]!["Port"]!.GetValue<int>();
            var restored = await Drill.FingerprintAsync(context, "jobs", cancellationToken, port).ConfigureAwait(false);
            var same = restored == jobs;
            return new DrillStepOutcome(same,
                $"{(same ? "the new instance holds the verified backup's jobs" : "JOBS DIFFER on the new instance")} ({jobs.Rows} jobs); application " +
                    $"switched and healthy; " +
                $"recovery time {PostgresObjectives.AgainstRto(took)}; data lost (age of the last verified backup at the incident) " +
                $"{(lost is { } l ? PostgresObjectives.AgainstRpo(l) : "unknown (no backup step ran)")}",
                "RestoreDatabaseStateMachine",
                new RecoveryMeasurement("restore-database", took, lost, "age of the last verified backup at the incident"));
        }
        finally
        {
            await ReturnToNormalAsync(context, name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The drill's production is the local cluster again: the ConfigMap back, the pods restarted, the drill's instance and snapshot removed, the
    /// titles repaired.</summary>
    private static async Task ReturnToNormalAsync(DrillContext context, string name, CancellationToken cancellationToken)
    {
        var servers = context.Servers!;
        var eks = context.Cloud.Eks;
        eks.ApplyConfigMap(PlatformEmulators.Namespace, DatabaseConfigMap.Name,
            DatabaseConfigMap.DataFor(servers, context.Database?.Database ?? MarketplaceDatabase.DefaultName));
        eks.ScaleDeployment(PlatformEmulators.Namespace, PlatformEmulators.Deployment, PlatformEmulators.SeedReplicas);
        eks.RestartDeployment(PlatformEmulators.Namespace, PlatformEmulators.Deployment);
        foreach (var (action, parameters) in new (string, JsonObject)[]
        {
            ("deleteDBInstance",
                new JsonObject { ["DbInstanceIdentifier"] = "restored-" + name, ["SkipFinalSnapshot"] = true, ["DeleteAutomatedBackups"] = true }),
            ("deleteDBSnapshot", new JsonObject { ["DbSnapshotIdentifier"] = "evidence-" + name }),
        })
        {
            try
            {
                await Drill.RdsAsync(context, action, parameters, cancellationToken).ConfigureAwait(false);
            }
            catch (DisasterRecovery.LocalRds.RdsEmulatorException e)
            {
                context.Log.WriteLine($"cleanup: {action} {e.ErrorName}: {e.Message}");
            }
        }

        await WaitUntilDeletedAsync(context, "restored-" + name, cancellationToken).ConfigureAwait(false);
        await Drill.ExecuteAsync(context, "UPDATE public.jobs SET title = reverse(substr(title, 2)) WHERE id % 7 = 0 AND title LIKE '#%'",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls (each describe waits for the emulator's work, up to 10 s) until the instance is gone, at most 30 times, so the
    /// drill does not end with the instance half deleted and its files (a base backup, a cluster) left in the state folder.
    /// </summary>
    private static async Task WaitUntilDeletedAsync(DrillContext context, string identifier, CancellationToken cancellationToken)
    {
        for (var poll = 0; poll < 30; poll++)
        {
            try
            {
                await Drill.RdsAsync(context, "describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = identifier },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (DisasterRecovery.LocalRds.RdsEmulatorException e) when (e.ErrorName == "Rds.DbInstanceNotFoundException")
            {
                return;
            }
        }

        context.Log.WriteLine($"cleanup: {identifier} was still being deleted after 30 polls; the next start of the local cloud finishes it");
    }
}
