using System.Text.Json.Nodes;
using Amazon.S3.Model;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalElastiCache.Tests;

/// <summary>
/// The emulator behind the ASL engine, wired as the local cloud wires a service emulator (shape check, then the call; a
/// service error becomes <c>ElastiCache.&lt;Exception&gt;</c>): snapshot → poll → export → poll on a virtual clock, where every
/// Wait takes no real time while Redis saves and the export uploads in real time.
/// </summary>
public sealed class StateMachineTests
{
    private const string Resource = "arn:aws:states:::aws-sdk:elasticache:";

    [Fact]
    public async Task SnapshotAndExport_WhenPolledOnAVirtualClock_ShouldExportWithinFewDescribes()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        await env.CreateGroupAsync("flow-source");
        var bucket = await env.CreateStagingBucketAsync();
        var describes = 0;

        var result = await RunAsync(env, new JsonObject { ["group"] = "flow-source", ["snapshot"] = "hourly-2026-12-07-19", ["bucket"] = bucket },
            () => Interlocked.Increment(ref describes));
        var listed = await env.S3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });

        Assert.True(result.Status == ExecutionStatus.Succeeded, $"{result.Status}: {result.Error} {result.Cause}");
        Assert.InRange(describes, 2, 6);
        Assert.Equal(["hourly-2026-12-07-19-0001.rdb"], listed.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task SnapshotAndExport_WhenTheBucketHasAclsDisabled_ShouldBeCaughtAsElastiCacheInvalidParameterValueException()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        await env.CreateGroupAsync("flow-source");
        var backupBucket = await env.S3.CreateBucketAsync(objectLock: true);

        var result = await RunAsync(env, new JsonObject { ["group"] = "flow-source", ["snapshot"] = "hourly", ["bucket"] = backupBucket }, () => 0);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("ExportRefused", result.Error);
    }

    private static async Task<ExecutionDescription> RunAsync(ElastiCacheTestEnvironment env, JsonObject input, Func<int> onDescribe)
    {
        var engine = new StateMachineEngine(Invoker(env, onDescribe), new VirtualTimeProvider(DateTimeOffset.UtcNow));
        var machine = engine.CreateStateMachine("SnapshotAndExport",
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "StateMachines", "snapshot-and-export.asl.json")));
        var execution = engine.StartExecution(machine, input.ToJsonString());
        return await engine.WaitForExecutionAsync(execution);
    }

    private static DelegateTaskInvoker Invoker(ElastiCacheTestEnvironment env, Func<int> onDescribe) => new(async (invocation, cancellationToken) =>
    {
        var action = invocation.BaseResource[Resource.Length..];
        if (action == "describeSnapshots")
        {
            onDescribe();
        }

        try
        {
            return await env.CallAsync(action, (JsonObject)invocation.Parameters!);
        }
        catch (ServiceErrorException e)
        {
            throw new TaskFailedException($"{ElastiCacheErrors.Prefix}.{e.Code}", e.Message);
        }
    });
}
