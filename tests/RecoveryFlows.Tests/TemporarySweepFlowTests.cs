using System.Text.Json.Nodes;
using DisasterRecovery.Postgres;
using DisasterRecovery.TestSupport;
using Npgsql;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// The hourly sweep flow (statemachines/sweep-abandoned-instances.asl.json) through the local cloud: after the RDS instances
/// it invokes SweepTemporary, which removes the temporary databases killed jobs left on the stack's database server, never a
/// live job's, and audits them.
/// </summary>
public sealed class TemporarySweepFlowTests(RecoveryCloud env) : IClassFixture<RecoveryCloud>
{
    private const string Sweeper = "SweepAbandonedInstancesStateMachine";

    [Fact]
    public async Task Sweep_WhenAKilledJobLeftADatabase_ShouldRemoveItKeepTheLiveOneAndAuditIt()
    {
        // Arrange: a killed restore's database (lease an hour old, session gone) and a running verification's (session open).
        var server = PostgresTestServer.Endpoint("postgres");
        string killed;
        await using (var gone = new NpgsqlConnection(server.ConnectionString()))
        {
            await gone.OpenAsync();
            killed = await TemporaryDatabases.CreateAsync(gone, TemporaryDatabases.Restore, "arn:aws:states:killed-restore", DateTimeOffset.UtcNow.AddHours(-1),
                "TEMPLATE template0", CancellationToken.None);
        }

        await using var live = new NpgsqlConnection(server.ConnectionString());
        await live.OpenAsync();
        var running = await TemporaryDatabases.CreateAsync(live, TemporaryDatabases.Verify, "arn:aws:states:running-verification",
            DateTimeOffset.UtcNow.AddHours(-1), "TEMPLATE template0", CancellationToken.None);

        try
        {
            // Act
            var sweep = await env.Cloud.RunExecutionAsync(Sweeper, "{}", "sweep-temporary-things");

            // Assert
            Assert.True(sweep.Status == "SUCCEEDED", $"{sweep.Status}: {sweep.Error}: {sweep.Cause}");
            var temporary = JsonNode.Parse(sweep.Output!)!["temporary"]!;
            Assert.True(temporary["removed"]!.GetValue<int>() >= 1, temporary.ToJsonString());
            Assert.Equal(0, temporary["left"]!.GetValue<int>());
            Assert.False(await PostgresTestServer.DatabaseExistsAsync(killed));
            Assert.True(await PostgresTestServer.DatabaseExistsAsync(running));
            Assert.Contains("deletion:succeeded:sweep-temporary", await env.AuditTrailAsync());
        }
        finally
        {
            await live.CloseAsync();
            await PostgresTestServer.DropDatabaseAsync(running);
        }
    }
}
