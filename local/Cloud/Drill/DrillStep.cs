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

/// <summary>How a step went: a one-line summary, and the flow it ran if it ran one.</summary>
/// <param name="Succeeded">Whether the step did what it should.</param>
/// <param name="Summary">One line for the drill summary.</param>
/// <param name="Flow">The state machine the step ran, if any.</param>
public sealed record DrillStepOutcome(bool Succeeded, string Summary, string? Flow = null);

/// <summary>What the steps share: the local cloud, the servers and stand-ins started so far, and where to print.</summary>
public sealed class DrillContext : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    public DrillContext(LocalCloudHost cloud, string repositoryRoot, TextWriter output)
    {
        Cloud = cloud;
        RepositoryRoot = repositoryRoot;
        Output = output;
    }

    public LocalCloudHost Cloud { get; }

    public string RepositoryRoot { get; }

    public TextWriter Output { get; }

    /// <summary>The local PostgreSQL and Redis, once started.</summary>
    public LocalServersInfo? Servers { get; set; }

    /// <summary>The servers.json <c>local/servers</c> wrote, once started.</summary>
    public string? ServersInfoFile { get; set; }

    /// <summary>The application's database, once made sure of.</summary>
    public MarketplaceDatabaseResult? Database { get; set; }

    /// <summary>When the newest verified backup the drill took completed, once the backup step ran.</summary>
    public DateTimeOffset? LastVerifiedBackupAt { get; set; }

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
