using System.Globalization;
using DisasterRecovery.Catalog;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Estimates how long a backup or restore job takes and recommends its runner: <c>lambda</c> when the estimate plus a
/// safety margin fits the Lambda function's timeout and the function has the memory the job needs, else <c>fargate</c>.
/// </summary>
/// <remarks>
/// <para>What the catalog records is a backup's start and commit times (manifest <c>startedAt</c>, <c>completedAt</c>)
/// and its per-table row counts; nothing records how long a restore took. So:</para>
/// <list type="bullet">
/// <item>a backup is estimated from the newest backup of the same source: its duration, scaled by how many more rows the
/// database holds today (<c>pg_class.reltuples</c>) than that backup counted, never below that duration (a shrinking or
/// never-analyzed database is not trusted to be faster);</item>
/// <item>a restore is estimated from the backup it restores: <see cref="RestorePerDump"/> times that backup's duration
/// (BENCHMARKS.md measures our restore at a little over three times our dump of the same database);</item>
/// <item>without a backup, from <c>pg_database_size</c> at conservative rates (<see cref="DumpBytesPerSecondBySize"/>,
/// <see cref="RestoreBytesPerSecondBySize"/>), a small fraction of what BENCHMARKS.md measures.</item>
/// </list>
/// <para>Disk and memory: the engine streams (the dump goes straight to S3, the restore reads ranges back), so it needs
/// no <c>/tmp</c> at all and its memory does not grow with the database; only a function configured below
/// <see cref="JobMemoryMb"/> is too small, whatever the size.</para>
/// </remarks>
public sealed class RunnerEstimator(LambdaLimits backupFunction, LambdaLimits restoreFunction)
{
    /// <summary>The estimate is multiplied by this, then <see cref="MarginSeconds"/> added, before it is held against the timeout.</summary>
    public const double MarginFactor = 1.5;

    /// <summary>Added to the multiplied estimate: start-up, secret and catalog round trips, a slow first connection.</summary>
    public const int MarginSeconds = 60;

    /// <summary>A restore takes up to this many times the dump of the same backup (index builds and constraints come on top of COPY).</summary>
    public const double RestorePerDump = 4;

    /// <summary>Without a backup: the dump is assumed to read <c>pg_database_size</c> at this rate (8 MiB/s).</summary>
    public const long DumpBytesPerSecondBySize = 8L << 20;

    /// <summary>Without a backup: the restore is assumed to write <c>pg_database_size</c> at this rate (2 MiB/s).</summary>
    public const long RestoreBytesPerSecondBySize = 2L << 20;

    /// <summary>The memory the job needs (the engine's constant working set, the .NET runtime and the pg_dump/psql it starts).</summary>
    public const int JobMemoryMb = 512;

    public const string Lambda = "lambda";
    public const string Fargate = "fargate";

    /// <summary>The backup of a database of <paramref name="sizeBytes"/> and <paramref name="estimatedRows"/>, after <paramref name="last"/>.</summary>
    public RunnerEstimate Backup(BackupManifest? last, long? sizeBytes, long? estimatedRows)
    {
        if (last is not null)
        {
            var seconds = Duration(last);
            var rows = Rows(last);
            var growth = rows > 0 && estimatedRows is > 0 ? Math.Max(1, (double)estimatedRows.Value / rows) : 1;
            var basis = $"the last backup {last.BackupId} dumped {Count(rows)} rows in {Seconds(seconds)}" +
                (growth > 1 ? string.Create(CultureInfo.InvariantCulture, $"; today ~{Count(estimatedRows!.Value)} rows (×{growth:0.##})") : string.Empty);
            return Decide(JobKind.Backup, "last-backup", last, seconds * growth, basis);
        }

        if (sizeBytes is { } size)
        {
            return Decide(JobKind.Backup, "size", null, (double)size / DumpBytesPerSecondBySize,
                $"no backup yet: {Mib(size)} at a conservative {Mib(DumpBytesPerSecondBySize)}/s");
        }

        return Nothing(JobKind.Backup, "no backup yet and the database's size is unknown (it is unreachable; the backup will report why)");
    }

    /// <summary>The restore of <paramref name="backup"/>; when there is none, <paramref name="notFound"/> says why and the size decides.</summary>
    public RunnerEstimate Restore(BackupManifest? backup, string? notFound, long? sizeBytes)
    {
        if (backup is not null)
        {
            var seconds = Duration(backup);
            return Decide(JobKind.Restore, "backup-to-restore", backup, seconds * RestorePerDump,
                string.Create(CultureInfo.InvariantCulture,
                    $"backup {backup.BackupId} ({Count(Rows(backup))} rows) took {Seconds(seconds)} to dump, a restore up to {RestorePerDump:0.#}× that"));
        }

        if (sizeBytes is { } size)
        {
            return Decide(JobKind.Restore, "size", null, (double)size / RestoreBytesPerSecondBySize,
                $"{notFound}; the database's {Mib(size)} at a conservative {Mib(RestoreBytesPerSecondBySize)}/s");
        }

        return Nothing(JobKind.Restore, $"{notFound}, and the database's size is unknown (the restore will report the missing backup)");
    }

    private RunnerEstimate Decide(JobKind job, string basis, BackupManifest? backup, double estimated, string why)
    {
        var limits = Limits(job);
        var function = FunctionName(job);
        var withMargin = (estimated * MarginFactor) + MarginSeconds;
        var fitsTime = withMargin <= limits.TimeoutSeconds;
        var fitsMemory = limits.MemoryMb >= JobMemoryMb;
        var verdict = string.Create(CultureInfo.InvariantCulture,
            $"with the margin (×{MarginFactor:0.#} + {MarginSeconds} s) {Seconds(withMargin)} {(fitsTime ? "fits" : "exceeds")} " +
            $"{function}'s {limits.TimeoutSeconds} s timeout");
        if (fitsTime && !fitsMemory)
        {
            verdict += string.Create(CultureInfo.InvariantCulture, $", but its {limits.MemoryMb} MB is below the {JobMemoryMb} MB the job needs");
        }

        var runner = fitsTime && fitsMemory ? Lambda : Fargate;
        var reason = $"{runner}: {why}, so the {Name(job)} is estimated at {Seconds(estimated)}; {verdict}";
        return new RunnerEstimate(
            Name(job), basis, backup?.BackupId.Value, backup is null ? null : Math.Round(Duration(backup), 3), backup is null ? null : Rows(backup),
            backup?.Objects.Sum(o => o.StoredSize), Math.Round(estimated, 1), Math.Round(withMargin, 1), limits.TimeoutSeconds, limits.MemoryMb,
            runner, reason);
    }

    private RunnerEstimate Nothing(JobKind job, string why)
    {
        var limits = Limits(job);
        return new RunnerEstimate(
            Name(job), "none", null, null, null, null, null, null, limits.TimeoutSeconds, limits.MemoryMb, Lambda, $"{Lambda}: {why}");
    }

    private LambdaLimits Limits(JobKind job) => job == JobKind.Backup ? backupFunction : restoreFunction;

    private static string Name(JobKind job) => job == JobKind.Backup ? "backup" : "restore";

    private static string FunctionName(JobKind job) => job == JobKind.Backup ? "PostgresBackup" : "PostgresRestore";

    /// <summary>A backup's duration from its manifest; at least a second (clocks of different hosts may disagree a little).</summary>
    private static double Duration(BackupManifest manifest) => Math.Max(1, (manifest.CompletedAt - manifest.StartedAt).TotalSeconds);

    private static long Rows(BackupManifest manifest) => manifest.Contents?.Sum(c => c.Count) ?? 0;

    private static string Seconds(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s");

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.#} MiB");
}
