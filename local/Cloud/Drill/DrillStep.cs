using DisasterRecovery.LocalCloud.Platform;

namespace DisasterRecovery.LocalCloud.Drill;

/// <summary>
/// One step of the local DR drill. The drill runs its steps in order and stops at the first failure; new flows of
/// the plan join the drill as new steps (see <see cref="DrillRunner.DefaultSteps"/>).
/// </summary>
public interface IDrillStep
{
    /// <summary>What the step does, as the summary shows it.</summary>
    string Name { get; }

    /// <summary>Runs the step. Expected failures are an outcome, not an exception.</summary>
    Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken);
}

/// <summary>How a step went: a one-line summary, the flow it ran if it ran one, and what it measured against the plan.</summary>
/// <param name="Succeeded">Whether the step did what it should.</param>
/// <param name="Summary">One line, printed when the step ends.</param>
/// <param name="Flow">The state machine the step ran, if any.</param>
/// <param name="Recovery">The recovery it timed, for the closing RTO/RPO table; null for a step that recovers nothing.</param>
public sealed record DrillStepOutcome(bool Succeeded, string Summary, string? Flow = null, RecoveryMeasurement? Recovery = null);

/// <summary>One recovery of the drill, measured against the plan's objectives (<see cref="PostgresObjectives"/> unless it gives its own).</summary>
/// <param name="Flow">The flow, as the plan and events/ name it (e.g. point-in-time-recovery).</param>
/// <param name="RecoveryTime">From starting the flow to its end (compared with the RTO).</param>
/// <param name="DataLoss">The data at risk or lost (compared with the RPO); null when the drill could not tell.</param>
/// <param name="DataLossMeaning">What <paramref name="DataLoss"/> is, e.g. "WAL archive lag at the damage".</param>
/// <param name="Rto">The objective the recovery time is held to; null for PostgreSQL's (<see cref="PostgresObjectives.Rto"/>).</param>
/// <param name="Rpo">The objective the data at risk is held to; null for PostgreSQL's (<see cref="PostgresObjectives.Rpo"/>).</param>
public sealed record RecoveryMeasurement(string Flow, TimeSpan RecoveryTime, TimeSpan? DataLoss, string DataLossMeaning, TimeSpan? Rto = null,
    TimeSpan? Rpo = null)
{
    /// <summary>The recovery time objective this recovery is held to.</summary>
    public TimeSpan Objective => Rto ?? PostgresObjectives.Rto;

    /// <summary>The recovery point objective this recovery is held to.</summary>
    public TimeSpan PointObjective => Rpo ?? PostgresObjectives.Rpo;
}

/// <summary>
/// What the steps share: the local cloud, the servers and stand-ins started so far, and where to print: a few lines per
/// step on <see cref="Output"/> (the console), everything else (inputs, every state of every flow, the functions' JSON
/// log lines) in <see cref="Log"/> (the drill's log file, see <see cref="DrillSession"/>).
/// </summary>
public sealed class DrillContext : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    public DrillContext(LocalCloudHost cloud, string repositoryRoot, TextWriter output, TextWriter? log = null)
    {
        Cloud = cloud;
        RepositoryRoot = repositoryRoot;
        Output = output;
        Log = log ?? TextWriter.Null;
    }

    public LocalCloudHost Cloud { get; }

    public string RepositoryRoot { get; }

    /// <summary>The console: each step's progress and result, one or a few lines.</summary>
    public TextWriter Output { get; }

    /// <summary>The drill's log: the details behind <see cref="Output"/> (flow inputs, states, function logs).</summary>
    public TextWriter Log { get; }

    /// <summary>The local PostgreSQL and Redis, once started.</summary>
    public LocalServersInfo? Servers { get; set; }

    /// <summary>The servers.json <c>local/servers</c> wrote, once started.</summary>
    public string? ServersInfoFile { get; set; }

    /// <summary>The application's database, once made sure of.</summary>
    public MarketplaceDatabaseResult? Database { get; set; }

    /// <summary>When the newest verified backup the drill took completed, once the backup step ran.</summary>
    public DateTimeOffset? LastVerifiedBackupAt { get; set; }

    /// <summary>When the last verified Redis snapshot started (its RDB is the server's state then).</summary>
    public DateTimeOffset? LastVerifiedRedisBackupAt { get; set; }

    /// <summary>The platform stand-in, once started.</summary>
    public LocalPlatformStandIn? PlatformStandIn { get; set; }

    /// <summary>Stopped when the drill ends, last registered first.</summary>
    public void OnCleanup(IAsyncDisposable resource) => _cleanup.Add(resource);

    public async ValueTask DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync().ConfigureAwait(false);
        }

        _cleanup.Clear();
    }
}
