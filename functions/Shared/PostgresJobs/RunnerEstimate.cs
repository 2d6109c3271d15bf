namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Where a backup or restore job should run and why: the duration estimated for it, what the estimate rests on, and
/// the Lambda function's limits it was held against. The flows run the job on <see cref="Runner"/> unless their input
/// names one.
/// </summary>
/// <param name="Job"><c>backup</c> or <c>restore</c>.</param>
/// <param name="Basis">
/// <c>last-backup</c> (a backup's estimate from the newest backup), <c>backup-to-restore</c> (a restore's, from the backup it
/// restores), <c>size</c> (no backup to learn from: the database's size at a conservative rate) or <c>none</c> (nothing to
/// estimate from; the job itself will report why).
/// </param>
/// <param name="BackupId">The backup the estimate rests on.</param>
/// <param name="BackupSeconds">That backup's duration: its manifest's completion time minus its start time.</param>
/// <param name="BackupRows">The rows its manifest counts.</param>
/// <param name="BackupStoredBytes">Its stored size.</param>
/// <param name="EstimatedSeconds">The job's estimated duration; null with basis <c>none</c>.</param>
/// <param name="WithMarginSeconds">The estimate with the safety margin that must fit the function's timeout.</param>
/// <param name="LambdaTimeoutSeconds">The job's Lambda function's timeout.</param>
/// <param name="LambdaMemoryMb">The job's Lambda function's memory.</param>
/// <param name="Runner"><c>lambda</c> or <c>fargate</c>.</param>
/// <param name="Reason">One line: why that runner.</param>
public sealed record RunnerEstimate(
    string Job,
    string Basis,
    string? BackupId,
    double? BackupSeconds,
    long? BackupRows,
    long? BackupStoredBytes,
    double? EstimatedSeconds,
    double? WithMarginSeconds,
    int LambdaTimeoutSeconds,
    int LambdaMemoryMb,
    string Runner,
    string Reason);

/// <summary>The limits of the Lambda function that runs a job: its timeout and memory (from the template).</summary>
public sealed record LambdaLimits(int TimeoutSeconds, int MemoryMb);
