using System.Reflection;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.TestSupport.AwsModels;

namespace DisasterRecovery.LocalElastiCache.Tests;

/// <summary>
/// The emulator against botocore's <c>elasticache</c> model in Step Functions' spelling: every action exists, every request
/// declares exactly the model's members with their types and required ones, every answer has only modelled fields, and
/// every error it can raise is one the model names.
/// </summary>
public sealed class ModelShapeTests
{
    [SkippableFact]
    public async Task RequestShapes_WhenComparedWithTheModel_ShouldDeclareEveryMemberAndRequireWhatAwsRequires()
    {
        var model = BotocoreModels.Require().RequireService("elasticache");
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        var problems = new List<string>();

        if (env.Emulator.ErrorPrefix != model.ErrorPrefix)
        {
            problems.Add($"errors are prefixed {env.Emulator.ErrorPrefix}, Step Functions prefixes them {model.ErrorPrefix}");
        }

        foreach (var action in env.Emulator.Actions.Order(StringComparer.Ordinal))
        {
            if (model.Operation(action) is not { } operation)
            {
                problems.Add($"elasticache:{action}: not an action of {model.ServiceId}");
                continue;
            }

            problems.AddRange(ModelConformance.RequestProblems($"elasticache:{action}", Declared(env.Emulator.InputShape(action)!), operation.Input,
                complete: true));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [SkippableFact]
    public async Task Responses_WhenEveryActionIsCalled_ShouldHaveOnlyModelledFields()
    {
        var model = BotocoreModels.Require().RequireService("elasticache");
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        var bucket = await env.CreateStagingBucketAsync();
        var tags = new JsonArray(new JsonObject { ["Key"] = "k", ["Value"] = "v" });
        var calls = new List<(string Action, JsonObject Parameters)>
        {
            ("createReplicationGroup", new() { ["ReplicationGroupId"] = "shapes", ["ReplicationGroupDescription"] = "d", ["NumCacheClusters"] = 2,
                ["AutomaticFailoverEnabled"] = true, ["Tags"] = tags.DeepClone(), ["SnapshotRetentionLimit"] = 1, ["SnapshotWindow"] = "05:00-06:00" }),
            ("describeReplicationGroups", new() { ["ReplicationGroupId"] = "shapes" }),
            ("describeReplicationGroups", new() { ["ReplicationGroupId"] = "shapes" }),
            ("createSnapshot", new() { ["ReplicationGroupId"] = "shapes", ["SnapshotName"] = "s1", ["Tags"] = tags.DeepClone() }),
            ("describeReplicationGroups", new()),
            ("describeSnapshots", new() { ["SnapshotName"] = "s1" }),
            ("describeSnapshots", new() { ["ReplicationGroupId"] = "shapes", ["ShowNodeGroupConfig"] = true }),
            ("createSnapshot", new() { ["CacheClusterId"] = "shapes-002", ["SnapshotName"] = "s2" }),
            ("describeSnapshots", new() { ["SnapshotName"] = "s2" }),
            ("describeSnapshots", new() { ["SnapshotName"] = "s2" }),
            ("copySnapshot", new() { ["SourceSnapshotName"] = "s1", ["TargetSnapshotName"] = "s1-copy" }),
            ("describeSnapshots", new() { ["SnapshotName"] = "s1-copy" }),
            ("describeSnapshots", new() { ["SnapshotName"] = "s1-copy" }),
            ("copySnapshot", new() { ["SourceSnapshotName"] = "s1", ["TargetSnapshotName"] = "export", ["TargetBucket"] = bucket }),
            ("describeSnapshots", new() { ["SnapshotName"] = "s1" }),
            ("describeSnapshots", new() { ["SnapshotName"] = "s1" }),
            ("addTagsToResource", new() { ["ResourceName"] = "arn:aws:elasticache:us-east-1:123456789012:snapshot:s1", ["Tags"] = tags.DeepClone() }),
            ("listTagsForResource", new() { ["ResourceName"] = "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:shapes" }),
            ("deleteSnapshot", new() { ["SnapshotName"] = "s1-copy" }),
            ("deleteReplicationGroup", new() { ["ReplicationGroupId"] = "shapes", ["FinalSnapshotIdentifier"] = "final" }),
            ("describeReplicationGroups", new() { ["ReplicationGroupId"] = "shapes" }),
        };
        var problems = new List<string>();

        foreach (var (action, parameters) in calls)
        {
            var response = await env.CallAsync(action, parameters);
            problems.AddRange(ModelConformance.ResponseProblems($"elasticache:{action}", response, model.Operation(action)!.Output));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Empty(env.Emulator.Actions.Except(calls.Select(c => c.Action)));
    }

    [SkippableFact]
    public void Errors_WhenEveryServiceErrorIsRaised_ShouldBeNamedAsTheModelNamesThem()
    {
        var model = BotocoreModels.Require().RequireService("elasticache");
        var factories = typeof(ElastiCacheErrors).GetMethods(BindingFlags.Static | BindingFlags.NonPublic)
            .Where(m => m.ReturnType == typeof(ServiceErrorException)).ToList();

        var names = factories
            .Select(m => (ServiceErrorException)m.Invoke(null, [.. m.GetParameters().Select(p => p.ParameterType == typeof(int) ? (object)1 : "x")])!)
            .Select(e => $"{ElastiCacheErrors.Prefix}.{e.Code}")
            .ToList();

        Assert.True(factories.Count >= 10, $"found only {factories.Count} error factories");
        Assert.All(names, n => Assert.Contains(n, model.ErrorNames));
    }

    private static DeclaredShape Declared(Shape shape) => shape switch
    {
        StructureShape structure => new DeclaredShape(
            "structure",
            structure.Members.ToDictionary(m => m.Name, m => Declared(m.Shape), StringComparer.Ordinal),
            structure.Members.Where(m => m.Required).Select(m => m.Name).ToHashSet(StringComparer.Ordinal),
            null),
        _ when shape.Item is { } item => DeclaredShape.Of(shape.IsMap ? "map" : "list", Declared(item)),
        _ => DeclaredShape.Scalar(shape.TypeName.ToLowerInvariant()),
    };
}
