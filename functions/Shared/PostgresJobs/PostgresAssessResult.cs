namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// What <c>pg_stat_database</c> and the catalog say about a database, taken before anything is stopped or restored, so
/// the incident report shows the state the recovery started from. An unreachable database is a result (reachable false),
/// not an error: a broken database is exactly what this step assesses.
/// </summary>
public sealed record PostgresAssessResult(
    string Database,
    bool Reachable,
    string? Problem,
    string? ServerVersion,
    long? SizeBytes,
    int? Tables,
    long? EstimatedRows,
    long? Connections,
    long? Commits,
    long? Rollbacks,
    long? Deadlocks,
    long? Conflicts,
    long? ChecksumFailures,
    DateTimeOffset? StatsResetAt,
    DateTimeOffset AssessedAt)
{
    /// <summary>The job asked about (<c>estimateFor</c>): its estimated duration and the runner recommended for it.</summary>
    public RunnerEstimate? Estimate { get; init; }
}
