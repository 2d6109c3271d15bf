using DisasterRecovery.Core.Logging;

namespace DisasterRecovery.LocalRds;

/// <summary>How an <see cref="RdsEmulator"/> runs.</summary>
public sealed class RdsEmulatorOptions
{
    /// <summary>
    /// Folder for state.json and every cluster, backup, WAL archive and snapshot the emulator makes (under <c>pg/</c>,
    /// owned by the service user). The same folder on the next start brings everything back.
    /// </summary>
    public required string StateDirectory { get; init; }

    /// <summary>The region of <see cref="RdsEmulator.CallAsync(string, System.Text.Json.Nodes.JsonObject, CancellationToken)"/>.</summary>
    public string DefaultRegion { get; init; } = "us-east-1";

    /// <summary>The account in ARNs.</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>PostgreSQL 15 programs; default: /usr/lib/postgresql/15/bin, /usr/pgsql-15/bin, then PATH.</summary>
    public string? PostgresBinDirectory { get; init; }

    /// <summary>
    /// The unprivileged user clusters run as when this process is root (default postgres, else nobody, as
    /// local/servers chooses); ignored otherwise, when clusters run as this process's user.
    /// </summary>
    public string? ServiceUser { get; init; }

    /// <summary>
    /// How long a describe call waits for real work on the resource it names (a restore, a snapshot) before
    /// answering with the in-progress status. A state machine on a virtual clock skips its Wait states instantly;
    /// without this its poll loop would spend its whole attempt budget while PostgreSQL is still restoring.
    /// The first describe after an operation starts never waits (see <see cref="RdsEmulator"/>).
    /// </summary>
    public TimeSpan DescribeWaitForProgress { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest a cluster may take to start, recover and accept connections.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Cluster operations (restore, snapshot, backup) running at once; the rest queue.</summary>
    public int MaxConcurrentClusterOperations { get; init; } = 2;

    /// <summary>shared_buffers of every cluster the emulator starts (small: many run side by side).</summary>
    public string SharedBuffers { get; init; } = "32MB";

    /// <summary>max_connections of every cluster the emulator starts.</summary>
    public int MaxConnections { get; init; } = 20;

    /// <summary>Start the clusters of running instances again when the state is opened (otherwise they show as stopped).</summary>
    public bool RestartInstancesOnOpen { get; init; } = true;

    /// <summary>
    /// The clock automated-backup retention is measured on: a backup older than <c>BackupRetentionPeriod</c> days by
    /// this clock is removed at the next automated backup, with the archived WAL only it needed. The system clock by
    /// default; a test moves it forward to let days pass. Backup, commit and restore times are always real.
    /// </summary>
    public TimeProvider RetentionClock { get; init; } = TimeProvider.System;

    /// <summary>Faults to inject (throttled calls, instances ending in a bad status); null for none.</summary>
    public RdsFaultInjector? FaultInjector { get; init; }

    /// <summary>Where managed master passwords are kept (ManageMasterUserPassword); null refuses them as not implemented.</summary>
    public IRdsManagedSecrets? ManagedSecrets { get; init; }

    /// <summary>Where operations are logged (one JSON line each); null for silence. Passwords are never logged.</summary>
    public JsonLogger? Logger { get; init; }
}
