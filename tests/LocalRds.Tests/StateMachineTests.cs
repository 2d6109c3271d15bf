using System.Globalization;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// The emulator behind the ASL engine, wired the way the local cloud wires a service emulator: a Wait → Describe →
/// Choice poll loop on a virtual clock, where every Wait takes no real time while PostgreSQL restores in real time.
/// </summary>
public sealed class StateMachineTests(StateMachineTests.Source source) : IClassFixture<StateMachineTests.Source>
{
    private const string Resource = "arn:aws:states:::aws-sdk:rds:";

    [Fact]
    public async Task PollLoop_WhenRunOnAVirtualClock_ShouldSeeTheRestoreFinishWellWithinItsPollCap()
    {
        var clock = new VirtualTimeProvider(DateTimeOffset.UtcNow);
        var describes = 0;
        var engine = new StateMachineEngine(Invoker(() => Interlocked.Increment(ref describes)), clock);
        var machine = engine.CreateStateMachine("RestoreToPointInTime",
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "StateMachines", "restore-to-point-in-time.asl.json")));

        var execution = engine.StartExecution(machine, new JsonObject
        {
            ["source"] = "flow-source",
            ["target"] = "flow-restored",
            ["restoreTime"] = source.BeforeChange.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        }.ToJsonString());
        var result = await engine.WaitForExecutionAsync(execution);
        var output = JsonNode.Parse(result.Output ?? "{}")!;
        var restored = output["describe"]!["instance"]!.AsObject();
        await using var connection = await RdsTestEnvironment.ConnectAsync(restored, source.Password);
        var value = await RdsTestEnvironment.ScalarAsync<string>(connection, "SELECT value FROM settings");

        Assert.True(result.Status == ExecutionStatus.Succeeded, $"{result.Status}: {result.Error} {result.Cause}\n{source.Rds.Log}");
        Assert.Equal("creating", output["restore"]!["status"]!.GetValue<string>());
        Assert.InRange(describes, 2, 3);
        Assert.Equal("original", value);
    }

    [Fact]
    public async Task Catch_WhenRestoreTimeIsOutsideTheWindow_ShouldMatchRdsInvalidRestoreException()
    {
        var engine = new StateMachineEngine(Invoker(() => 0), new VirtualTimeProvider(DateTimeOffset.UtcNow));
        var machine = engine.CreateStateMachine("RestoreToPointInTime",
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "StateMachines", "restore-to-point-in-time.asl.json")));

        var execution = engine.StartExecution(machine, new JsonObject
        {
            ["source"] = "flow-source",
            ["target"] = "flow-never",
            ["restoreTime"] = "2001-01-01T00:00:00Z",
        }.ToJsonString());
        var result = await engine.WaitForExecutionAsync(execution);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("RestoreTimeOutsideWindow", result.Error);
    }

    /// <summary>What the local cloud's adapter does: route aws-sdk:rds to the emulator, RDS errors to task failures.</summary>
    private DelegateTaskInvoker Invoker(Func<int> onDescribe) => new(async (invocation, cancellationToken) =>
    {
        var action = invocation.BaseResource[Resource.Length..];
        if (action == "describeDBInstances")
        {
            onDescribe();
        }

        try
        {
            return await source.Rds.Emulator.CallAsync(action, invocation.Parameters as JsonObject, cancellationToken);
        }
        catch (RdsEmulatorException e)
        {
            throw new TaskFailedException(e.ErrorName, e.Cause);
        }
    });

    /// <summary>An instance whose only setting was changed after <see cref="BeforeChange"/>.</summary>
    public sealed class Source : IAsyncLifetime
    {
        public RdsTestEnvironment Rds { get; private set; } = null!;

        public string Password { get; } = RdsTestEnvironment.NewPassword();

        public DateTimeOffset BeforeChange { get; private set; }

        public async Task InitializeAsync()
        {
            Rds = await RdsTestEnvironment.StartAsync();
            var instance = await Rds.CreateInstanceAsync("flow-source", Password);
            await using var connection = await RdsTestEnvironment.ConnectAsync(instance, Password);
            await RdsTestEnvironment.ExecuteAsync(connection, "CREATE TABLE settings AS SELECT 'original'::text AS value");
            await Task.Delay(50);
            BeforeChange = (await RdsTestEnvironment.ScalarAsync<DateTime>(connection, "SELECT clock_timestamp()")).ToUniversalTime();
            await Task.Delay(50);
            await RdsTestEnvironment.ExecuteAsync(connection, "UPDATE settings SET value = 'broken'");
            await Rds.Emulator.FlushWalArchiveAsync("flow-source");
        }

        public async Task DisposeAsync() => await Rds.DisposeAsync();
    }
}
