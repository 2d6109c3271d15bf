using System.Text.Json.Nodes;
using DisasterRecovery.Deployment.Tests.Support;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>
/// template.yaml through AWS's SAM translator as <c>sam package</c> leaves it (code in S3, images in ECR), with the
/// parameters at their defaults and at production values; and what the transform makes of roles, schedules and access.
/// </summary>
public sealed class SamTransformTests
{
    private const string StateMachineType = "AWS::StepFunctions::StateMachine";

    [SkippableFact]
    public async Task Transform_WhenParametersHaveTheirDefaults_ShouldGiveEveryStateMachineItsPackagedDefinition()
    {
        var result = await SamTranslator.TransformAsync(DeploymentFiles.TemplatePath);

        Assert.Empty(result.Errors);
        var machines = result.ResourcesOfType(StateMachineType);
        Assert.Equal(StateMachineChecks.StateMachines(DeploymentFiles.Template).Count(), machines.Count);
        Assert.All(machines, machine => Assert.NotNull(machine.Value["Properties"]?["DefinitionS3Location"]?["Key"]));
    }

    [SkippableFact]
    public async Task Transform_WhenDefinitionsAreInlined_ShouldEmbedEachDefinitionWithItsSubstitutions()
    {
        var result = await SamTranslator.TransformAsync(DeploymentFiles.TemplatePath, inlineDefinitions: true);

        Assert.Empty(result.Errors);
        Assert.All(result.ResourcesOfType(StateMachineType), machine =>
        {
            var properties = machine.Value["Properties"]!;
            Assert.NotNull(properties["DefinitionString"] ?? properties["Definition"]);
            Assert.Null(properties["DefinitionS3Location"]);
            Assert.IsType<JsonObject>(properties["DefinitionSubstitutions"]);
        });
    }

    [SkippableFact]
    public async Task Transform_WhenProductionValuesAreGiven_ShouldPutTheDatabaseFunctionsInTheVpc()
    {
        var result = await SamTranslator.TransformAsync(DeploymentFiles.TemplatePath, DeploymentParameters.Production);

        Assert.Empty(result.Errors);
        var functions = result.ResourcesOfType("AWS::Lambda::Function");
        Assert.Contains(functions, function => function.Value["Properties"]?["VpcConfig"] is JsonObject);
    }

    [SkippableFact]
    public async Task Transform_WhenStateMachineRolesAreBuilt_ShouldGrantLogDeliveryExactlyAsDocumented()
    {
        var result = await SamTranslator.TransformAsync(DeploymentFiles.TemplatePath, DeploymentParameters.Production);

        var roles = StateMachineRoles(result);
        Assert.Equal(StateMachineChecks.StateMachines(DeploymentFiles.Template).Count(), roles.Count);
        Assert.All(roles, role =>
        {
            var properties = role.Value["Properties"]!;
            var managed = properties["ManagedPolicyArns"]?.ToJsonString() ?? "[]";
            Assert.DoesNotContain("FullAccess", managed, StringComparison.Ordinal);
            var logStatements = (properties["Policies"] as JsonArray ?? [])
                .SelectMany(policy => AccessChecks.Statements(policy?["PolicyDocument"]))
                .Where(statement => AccessChecks.Actions(statement).Any(action => action.StartsWith("logs:", StringComparison.Ordinal)))
                .ToList();
            Assert.Equal(AccessChecks.LogDeliveryActions, new SortedSet<string>(logStatements.SelectMany(AccessChecks.Actions), StringComparer.Ordinal));
            Assert.All(
                logStatements,
                statement => Assert.Equal(("Allow", "*"), (TemplateChecks.Text(statement["Effect"]), TemplateChecks.Text(statement["Resource"]))));
        });
    }

    [SkippableFact]
    public async Task Transform_WhenSchedulesAreBuilt_ShouldLeaveTheirNamesToCloudFormation()
    {
        var result = await SamTranslator.TransformAsync(DeploymentFiles.TemplatePath);

        var schedules = result.ResourcesOfType("AWS::Scheduler::Schedule");
        Assert.NotEmpty(schedules);
        Assert.All(
            schedules,
            schedule => Assert.True(
                schedule.Value["Properties"]?["Name"] is null,
                $"{schedule.Key} has Name {schedule.Value["Properties"]?["Name"]?.ToJsonString()}"));
    }

    [SkippableFact]
    public async Task Transform_WhenClusterIsGiven_ShouldGrantTheAccessEntryToARoleTheTransformCreates()
    {
        var result = await SamTranslator.TransformAsync(DeploymentFiles.TemplatePath, DeploymentParameters.Production);

        var roles = StateMachineRoles(result).Select(role => role.Key).ToHashSet(StringComparer.Ordinal);
        var entries = result.ResourcesOfType(AccessChecks.AccessEntryType);
        Assert.NotEmpty(entries);
        Assert.All(entries, entry =>
        {
            var principal = entry.Value["Properties"]?["PrincipalArn"]?["Fn::GetAtt"] as JsonArray;
            Assert.True(
                principal is { Count: 2 } && roles.Contains(TemplateChecks.Text(principal[0]) ?? ""),
                $"{entry.Key}: PrincipalArn {entry.Value["Properties"]?["PrincipalArn"]?.ToJsonString()} " +
                    "is not a state machine role of the transformed template");
            Assert.NotNull(entry.Value["Condition"]);
        });
    }

    [SkippableFact]
    public async Task Transform_WhenScheduleHasInvalidProperty_ShouldReportTheTranslatorsError()
    {
        using var folder = new TemporaryFolder();
        folder.Write("flow.asl.json", """{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}""");
        var template = folder.Write("template.yaml", """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Flow:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionUri: flow.asl.json
                  Events:
                    Nightly:
                      Type: ScheduleV2
                      Properties: {ScheduleExpression: rate(1 day), OmitName: maybe}
            """);

        var result = await SamTranslator.TransformAsync(template);

        Assert.Null(result.Template);
        var error = Assert.Single(result.Errors);
        Assert.Contains("[FlowNightly]", error, StringComparison.Ordinal);
        Assert.Contains("OmitName", error, StringComparison.Ordinal);
    }

    /// <summary>The transformed template's IAM roles that Step Functions assumes.</summary>
    private static List<KeyValuePair<string, JsonObject>> StateMachineRoles(SamTransformResult result) =>
        [.. result.ResourcesOfType("AWS::IAM::Role")
            .Where(role => role.Value["Properties"]?["AssumeRolePolicyDocument"]?.ToJsonString()
                .Contains("states.amazonaws.com", StringComparison.Ordinal) == true)];
}
