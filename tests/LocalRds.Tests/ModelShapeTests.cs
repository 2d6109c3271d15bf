using System.Reflection;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalRds.Api;
using DisasterRecovery.TestSupport.AwsModels;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// The RDS emulator against AWS's own RDS model (botocore), in Step Functions' spelling: every action it implements
/// exists; its request shapes (written by hand from the API Reference) are the model's requests, member for member,
/// with the model's required members; its error names are the model's faults as Step Functions names them; and every
/// field of every answer, for every action called once on real clusters, is a member of the model's response.
/// </summary>
public sealed class ModelShapeTests
{
    [SkippableFact]
    public void RequestShapes_WhenComparedWithTheModel_ShouldBeTheModelsRequestsMemberForMember()
    {
        var rds = BotocoreModels.Require().RequireService("rds");
        var problems = new List<string>();

        foreach (var action in RdsApiCatalog.ImplementedActions.Order(StringComparer.Ordinal))
        {
            if (rds.Operation(action) is not { } operation)
            {
                problems.Add($"rds:{action}: not an action of RDS");
                continue;
            }

            problems.AddRange(ModelConformance.RequestProblems($"rds:{action}", Declared(RdsApiCatalog.RequestShape(action)!), operation.Input,
                complete: true));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [SkippableFact]
    public void ToStepFunctionsName_WhenAppliedToEveryMemberOfTheModel_ShouldAgreeWithTheJavaSdkNaming()
    {
        var rds = BotocoreModels.Require().RequireService("rds");
        var members = rds.Actions
            .Select(a => rds.Operation(a)!)
            .SelectMany(o => new[] { o.Input, o.Output })
            .SelectMany(shape => shape.Members.Keys.Select(shape.ModelName))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var disagreements = members.Where(m => SdkNames.ToStepFunctionsName(m) != StepFunctionsNaming.Member(m)).ToList();

        Assert.True(members.Count > 300, $"only {members.Count} member names were read from the model");
        Assert.Empty(disagreements);
    }

    [SkippableFact]
    public void ErrorNames_WhenComparedWithTheModel_ShouldBeModelledFaultsOrTheBaseException()
    {
        var rds = BotocoreModels.Require().RequireService("rds");
        var names = typeof(RdsErrors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(n => !n.StartsWith("States.", StringComparison.Ordinal))
            .ToList();

        var unknown = names.Where(n => !rds.ErrorNames.Contains(n) && n != rds.GenericErrorName).ToList();

        Assert.True(names.Count > 5, "RdsErrors' names were not found");
        Assert.Empty(unknown);
    }

    [SkippableFact]
    public async Task Responses_WhenEveryActionIsCalledOnce_ShouldHaveOnlyModelledFields()
    {
        var rds = BotocoreModels.Require().RequireService("rds");
        await using var environment = await RdsTestEnvironment.StartAsync();
        var responses = new List<(string Action, JsonNode Response)>();
        async Task<JsonNode> Call(string action, JsonObject parameters)
        {
            var response = await environment.CallAsync(action, parameters);
            responses.Add((action, response));
            return response;
        }

        var password = RdsTestEnvironment.NewPassword();
        await Call("createDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "shapes", ["DbInstanceClass"] = "db.t3.micro", ["Engine"] = "postgres", ["MasterUsername"] = "master",
            ["MasterUserPassword"] = password, ["AllocatedStorage"] = 20, ["DbName"] = "marketplace", ["BackupRetentionPeriod"] = 1,
            ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "team", ["Value"] = "dr" }),
        });
        var (instance, _) = await environment.WaitForInstanceAsync("shapes", "available");
        responses.Add(("describeDBInstances", new JsonObject { ["DbInstances"] = new JsonArray(instance.DeepClone()) }));
        var arn = instance["DbInstanceArn"]!.GetValue<string>();
        await Call("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "shapes" });
        await Call("modifyDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "shapes", ["CopyTagsToSnapshot"] = true, ["ApplyImmediately"] = true });
        await Call("addTagsToResource",
            new JsonObject { ["ResourceName"] = arn, ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "tier", ["Value"] = "gold" }) });
        await Call("listTagsForResource", new JsonObject { ["ResourceName"] = arn });
        await Call("removeTagsFromResource", new JsonObject { ["ResourceName"] = arn, ["TagKeys"] = new JsonArray("tier") });
        await Call("describeDBInstanceAutomatedBackups", new JsonObject { ["DbInstanceIdentifier"] = "shapes" });
        await Call("createDBSnapshot", new JsonObject { ["DbSnapshotIdentifier"] = "shapes-snap", ["DbInstanceIdentifier"] = "shapes" });
        var (snapshot, _) = await environment.WaitForSnapshotAsync("shapes-snap");
        responses.Add(("describeDBSnapshots", new JsonObject { ["DbSnapshots"] = new JsonArray(snapshot.DeepClone()) }));
        await Call("describeDBSnapshots", new JsonObject { ["DbInstanceIdentifier"] = "shapes" });
        await Call("copyDBSnapshot", new JsonObject { ["SourceDBSnapshotIdentifier"] = "shapes-snap", ["TargetDBSnapshotIdentifier"] = "shapes-copy" });
        await environment.WaitForSnapshotAsync("shapes-copy");
        await Call("restoreDBInstanceFromDBSnapshot",
            new JsonObject { ["DbInstanceIdentifier"] = "shapes-restored", ["DbSnapshotIdentifier"] = "shapes-snap" });
        var (restored, _) = await environment.WaitForInstanceAsync("shapes-restored", "available");
        responses.Add(("describeDBInstances", new JsonObject { ["DbInstances"] = new JsonArray(restored.DeepClone()) }));
        await Call("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = "shapes", ["TargetDBInstanceIdentifier"] = "shapes-pitr", ["UseLatestRestorableTime"] = true,
        });
        await environment.WaitForInstanceAsync("shapes-pitr", "available");
        await Call("deleteDBSnapshot", new JsonObject { ["DbSnapshotIdentifier"] = "shapes-copy" });
        await Call("deleteDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "shapes-pitr", ["SkipFinalSnapshot"] = true });
        await Call("deleteDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "shapes-restored", ["SkipFinalSnapshot"] = true });

        var problems = responses
            .SelectMany(r => ModelConformance.ResponseProblems($"rds:{r.Action}", r.Response, rds.Operation(r.Action)!.Output))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Empty(RdsApiCatalog.ImplementedActions.Except(responses.Select(r => r.Action)).Order(StringComparer.Ordinal));
    }

    /// <summary>An RDS request shape (the local cloud's <see cref="Shape"/>) in the form the model comparison takes.</summary>
    private static DeclaredShape Declared(Shape shape) => shape switch
    {
        StructureShape structure => new DeclaredShape(
            "structure",
            structure.Members.ToDictionary(m => m.Name, m => Declared(m.Shape), StringComparer.Ordinal),
            structure.Required,
            null),
        { Item: { } item } => DeclaredShape.Of(shape.IsMap ? "map" : "list", Declared(item)),
        _ => DeclaredShape.Scalar(shape.TypeName.ToLowerInvariant()),
    };
}
