using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Platform;

namespace DisasterRecovery.LocalCloud.Drill;

/// <summary>
/// Starts the local PostgreSQL 15 and Redis with <c>local/servers start</c> (idempotent), then makes sure the
/// application's database <c>technician_marketplace</c> exists on that cluster (<see cref="MarketplaceDatabase"/>,
/// created at <see cref="Scale"/> only if absent).
/// </summary>
/// <param name="scale">The marketplace database's scale if it has to be created (1: 5,300 rows).</param>
public sealed class StartLocalServersStep(int scale = 1) : IDrillStep
{
    /// <summary>The scale the database is created at when it does not exist.</summary>
    public int Scale { get; } = scale;

    /// <inheritdoc />
    public string Name => "Start local PostgreSQL and Redis, with the marketplace database";

    /// <inheritdoc />
    public async Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var (servers, infoFile) = await LocalServersScript.StartAsync(context.RepositoryRoot, cancellationToken).ConfigureAwait(false);
        context.Servers = servers;
        context.ServersInfoFile = infoFile;
        var database = await MarketplaceDatabase.EnsureAsync(servers, Scale, cancellationToken).ConfigureAwait(false);
        if (database.Rows.Count < MarketplaceDatabase.Tables.Count)
        {
            // A drill stopped half-way (a table dropped and not brought back): start from a whole database again.
            context.Output.WriteLine(
                $"      {database.Database} lacks {string.Join(", ", MarketplaceDatabase.Tables.Except(database.Rows.Keys))}: recreating it");
            await using (var connection = new Npgsql.NpgsqlConnection(servers.PostgresConnectionString("postgres")))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var drop =
                    new Npgsql.NpgsqlCommand($"DROP DATABASE {MarketplaceDatabase.QuoteIdentifier(database.Database)} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            database = await MarketplaceDatabase.EnsureAsync(servers, Scale, cancellationToken).ConfigureAwait(false);
        }

        context.Database = database;
        return new DrillStepOutcome(true, $"{servers} ({infoFile}); {database}");
    }
}

/// <summary>
/// Seeds what the application's platform lacks — the ConfigMap <c>production/backend-database</c> (where the database
/// is), the secret <c>technician-marketplace/postgres</c> (its credentials), the deployment production/backend — for
/// the servers just started (only if absent: what flows changed is kept), then starts the
/// <see cref="LocalPlatformStandIn"/> following the local cloud's emulators (<see cref="LocalPlatformState.Of"/>), unless
/// the local cloud runs one already (<see cref="LocalCloudHost.PlatformStandIn"/>).
/// </summary>
public sealed class StartPlatformStandInStep : IDrillStep
{
    /// <inheritdoc />
    public string Name => "Seed the platform and start the API stand-in";

    /// <inheritdoc />
    public async Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var servers = context.Servers ?? throw new InvalidOperationException("the local servers step must run first");
        var cloud = context.Cloud;
        var seeded = PlatformEmulators.SeedPlatform(cloud.Eks, cloud.SecretsManager.Store, context.ServersInfoFile);

        // RDS plays the production instance with the local cluster (idempotent; the first time takes a base backup).
        string? rdsNote = null;
        DisasterRecovery.LocalRds.AdoptedInstance? adopted = null;
        try
        {
            adopted = DisasterRecovery.LocalRds.AdoptedInstance.FromServersJson(context.ServersInfoFile!);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or System.Text.Json.JsonException or IOException)
        {
            rdsNote = $"RDS: the cluster is not adoptable ({e.Message}); the recovery steps cannot run";
        }

        if (adopted is not null)
        {
            var rds = await cloud.GetRdsAsync(cancellationToken).ConfigureAwait(false);
            await rds.AdoptInstanceAsync(adopted, cancellationToken).ConfigureAwait(false);
            rdsNote = "RDS plays technician-marketplace with the local cluster";
        }
        else
        {
            rdsNote ??= "RDS: not adopted";
        }

        var platform = LocalPlatformState.Of(cloud);
        var connection = platform.DatabaseConnection(servers, out var problem);
        // The local cloud started one already when the template's ServiceHealthUrl asks for it (samconfig's local environment).
        var standIn = cloud.PlatformStandIn;
        if (standIn is null)
        {
            standIn = await LocalPlatformStandIn.StartAsync(servers, platform, 0, cancellationToken).ConfigureAwait(false);
            context.OnCleanup(standIn);
        }

        context.PlatformStandIn = standIn;
        var replicas = platform.BackendReplicas();
        return new DrillStepOutcome(true,
            $"seeded {(seeded.Count == 0 ? "nothing (all present)" : string.Join(", ", seeded))}; " +
            $"{PlatformEmulators.Namespace}/{PlatformEmulators.Deployment} at {(replicas < 0 ? "no deployment" : $"{replicas} replica(s)")}; " +
            $"/health checks {(connection?.ToString() ?? problem)}; LocalPlatformStandIn serving {standIn.HealthUrl}; {rdsNote}");
    }
}

/// <summary>
/// Runs a state machine of the template through the local cloud (<see cref="DrillFlow"/>: two lines on the console,
/// every state in the drill's log), and judges it by its final status. The input is built from the context, so a step can point a flow at what earlier steps
/// started.
/// </summary>
public sealed class RunFlowStep(string name, string stateMachine, Func<DrillContext, JsonObject> input) : IDrillStep
{
    public string Name { get; } = name;

    public async Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var executionName = $"drill-{context.Cloud.Clock.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..6]}";
        var execution = await DrillFlow.RunAsync(context, stateMachine, input(context), executionName, cancellationToken).ConfigureAwait(false);
        var succeeded = execution.Status == "SUCCEEDED";
        return new DrillStepOutcome(succeeded, $"{stateMachine} {DrillFlow.Outcome(execution)} ({execution.ExecutionArn})", stateMachine);
    }
}
