using DisasterRecovery.Deployment.Tests.Support;
using DisasterRecovery.LocalTemplate;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>Each state machine's ASL file exists, is complete (STYLE.md rule 5), and matches its DefinitionSubstitutions.</summary>
public sealed class StateMachineDefinitionTests
{
    private const string WellFormedAsl = """
        {
          "Comment": "Publishes once.",
          "StartAt": "Publish",
          "TimeoutSeconds": 60,
          "States": {
            "Publish": {
              "Type": "Task",
              "Resource": "arn:aws:states:::sns:publish",
              "Parameters": { "TopicArn": "${TopicArn}", "Message": "hi" },
              "Retry": [ { "ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2 } ],
              "End": true
            }
          }
        }
        """;

    [Fact]
    public void Template_WhenStateMachinesAreListed_ShouldHaveAtLeastOne()
    {
        Assert.NotEmpty(StateMachineChecks.StateMachines(DeploymentFiles.Template));
    }

    [Fact]
    public void StateMachines_WhenDefinitionFilesAreRead_ShouldHaveCommentTimeoutAndRetryOnEveryTask()
    {
        var problems = StateMachineChecks.DefinitionProblems(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void StateMachines_WhenSubstitutionsAreCompared_ShouldDefineEveryPlaceholderAndUseEverySubstitution()
    {
        var problems = StateMachineChecks.SubstitutionProblems(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void DefinitionProblems_WhenDefinitionIsComplete_ShouldFindNone()
    {
        using var folder = new TemporaryFolder();
        var template = TemplateWith(folder, WellFormedAsl, "TopicArn: !Ref Topic");

        Assert.Empty(StateMachineChecks.DefinitionProblems(template));
        Assert.Empty(StateMachineChecks.SubstitutionProblems(template));
    }

    [Fact]
    public void DefinitionProblems_WhenTasksLackRetryAndMachineLacksCommentAndTimeout_ShouldReportEach()
    {
        using var folder = new TemporaryFolder();
        var template = TemplateWith(folder, """
            {
              "StartAt": "Fan Out",
              "States": {
                "Fan Out": {
                  "Type": "Parallel",
                  "Branches": [
                    { "StartAt": "Ping", "States": { "Ping": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true } } }
                  ],
                  "Next": "Each"
                },
                "Each": {
                  "Type": "Map",
                  "ItemProcessor": {
                    "StartAt": "Pong",
                    "States": { "Pong": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Retry": [], "End": true } }
                  },
                  "Next": "Last"
                },
                "Last": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true }
              }
            }
            """);

        var problems = StateMachineChecks.DefinitionProblems(template);

        Assert.Equal(
            [
                "statemachines/flow.asl.json: no top-level Comment",
                "statemachines/flow.asl.json: no top-level TimeoutSeconds (a positive integer)",
                "statemachines/flow.asl.json: Task state 'Fan Out > branch 1 > Ping' has no Retry (STYLE.md rule 5)",
                "statemachines/flow.asl.json: Task state 'Each > Pong' has no Retry (STYLE.md rule 5)",
                "statemachines/flow.asl.json: Task state 'Last' has no Retry (STYLE.md rule 5)",
            ],
            problems);
    }

    [Fact]
    public void DefinitionProblems_WhenFileIsMissingOrNotJson_ShouldReportIt()
    {
        using var folder = new TemporaryFolder();
        var broken = TemplateWith(folder, "{ \"Comment\": ");
        var missing = SamTemplate.Parse("""
            Resources:
              Flow:
                Type: AWS::Serverless::StateMachine
                Properties: {DefinitionUri: statemachines/absent.asl.json}
            """, folder.Path);

        var brokenProblem = Assert.Single(StateMachineChecks.DefinitionProblems(broken));
        var missingProblem = Assert.Single(StateMachineChecks.DefinitionProblems(missing));

        Assert.StartsWith("statemachines/flow.asl.json: not valid JSON", brokenProblem, StringComparison.Ordinal);
        Assert.StartsWith("Flow: DefinitionUri statemachines/absent.asl.json does not exist", missingProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void SubstitutionProblems_WhenPlaceholdersAndSubstitutionsDiffer_ShouldReportBothWays()
    {
        using var folder = new TemporaryFolder();
        var asl = WellFormedAsl.Replace("\"hi\"", "\"${AWS::Region} ${QueueUrl}\"", StringComparison.Ordinal);
        var template = TemplateWith(folder, asl, "TopicArn: !Ref Topic", "UnusedArn: !Ref Topic");

        var problems = StateMachineChecks.SubstitutionProblems(template);

        Assert.Equal(
            [
                "statemachines/flow.asl.json: ${AWS::Region} is a pseudo parameter, which ASL files do not get; pass it in Flow's DefinitionSubstitutions",
                "statemachines/flow.asl.json: ${QueueUrl} is not in Flow's DefinitionSubstitutions",
                "Flow: DefinitionSubstitutions.UnusedArn is not used in statemachines/flow.asl.json",
            ],
            problems);
    }

    /// <summary>A template with one state machine whose ASL file is <paramref name="asl"/>.</summary>
    private static SamTemplate TemplateWith(TemporaryFolder folder, string asl, params string[] substitutions)
    {
        folder.Write(Path.Combine("statemachines", "flow.asl.json"), asl);
        var lines = substitutions.Length == 0 ? "{}" : "\n" + string.Join('\n', substitutions.Select(line => "          " + line));
        return SamTemplate.Parse($"""
            Resources:
              Topic: {"{"}Type: AWS::SNS::Topic{"}"}
              Flow:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionUri: statemachines/flow.asl.json
                  DefinitionSubstitutions: {lines}
            """, folder.Path);
    }
}
