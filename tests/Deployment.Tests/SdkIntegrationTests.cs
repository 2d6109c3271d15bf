using System.Text.Json.Nodes;
using DisasterRecovery.Deployment.Tests.Support;
using DisasterRecovery.TestSupport;
using DisasterRecovery.TestSupport.AwsModels;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>
/// AWS's own models (botocore) judge every integration Task of every state machine: the call shapes AWS would reject,
/// the result paths AWS never returns, the error names AWS never raises. The checker itself is proven on small
/// definitions below, each with one defect.
/// </summary>
public sealed class SdkIntegrationTests
{
    private const string File = "statemachines/flow.asl.json";

    [SkippableFact]
    public void StateMachines_WhenJudgedAgainstAwsModels_ShouldCallOnlyWhatAwsAccepts()
    {
        var checker = Checker();

        var problems = checker.TemplateProblems(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, $"{problems.Count} problem(s):\n" + string.Join('\n', problems));
    }

    [SkippableFact]
    public void DefinitionProblems_WhenEveryCallMatchesTheModels_ShouldFindNone()
    {
        var problems = Judge("""
            {
              "StartAt": "Describe",
              "States": {
                "Describe": {
                  "Type": "Task",
                  "Resource": "arn:aws:states:::aws-sdk:rds:describeDBInstances",
                  "Parameters": { "DbInstanceIdentifier.$": "$.instance", "Filters": [ { "Name": "engine", "Values": [ "postgres" ] } ] },
                  "ResultSelector": { "status.$": "$.DbInstances[0].DbInstanceStatus", "endpoint.$": "$.DbInstances[0].Endpoint" },
                  "ResultPath": "$.described",
                  "Retry": [ { "ErrorEquals": [ "Rds.RdsException", "Rds.DbInstanceNotFoundException", "States.TaskFailed" ] } ],
                  "Next": "Is It Available?"
                },
                "Is It Available?": {
                  "Type": "Choice",
                  "Choices": [ { "Variable": "$.described.status", "StringEquals": "available", "Next": "Restore" } ],
                  "Default": "Describe"
                },
                "Restore": {
                  "Type": "Task",
                  "Resource": "arn:aws:states:::aws-sdk:rds:restoreDBInstanceToPointInTime",
                  "Parameters": {
                    "SourceDBInstanceIdentifier.$": "$.instance",
                    "TargetDBInstanceIdentifier": "side",
                    "MultiAZ": false,
                    "DbSubnetGroupName": "private",
                    "VpcSecurityGroupIds": [ "sg-1" ],
                    "Tags": [ { "Key": "purpose", "Value.$": "$$.Execution.Name" } ]
                  },
                  "ResultPath": "$.restored",
                  "Next": "Tell"
                },
                "Tell": {
                  "Type": "Task",
                  "Resource": "arn:aws:states:::sns:publish",
                  "Parameters": {
                    "TopicArn": "${TopicArn}",
                    "Message.$":
                      "States.Format('{} at {}:{}', $.restored.DbInstance.DbInstanceIdentifier, $.described.endpoint.Address, $.described.endpoint.Port)",
                    "MessageAttributes": { "kind": { "DataType": "String", "StringValue": "restore" } }
                  },
                  "Retry": [ { "ErrorEquals": [ "States.TaskFailed" ] } ],
                  "ResultPath": null,
                  "Next": "Check"
                },
                "Check": {
                  "Type": "Task",
                  "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": { "FunctionName": "${HealthCheckArn}", "Payload": { "url.$": "$.url" } },
                  "ResultSelector": { "healthy.$": "$.Payload.healthy" },
                  "Retry": [ { "ErrorEquals": [ "Lambda.ServiceException", "Lambda.TooManyRequestsException", "InvalidInputException" ] } ],
                  "ResultPath": "$.health",
                  "Next": "Scale"
                },
                "Scale": {
                  "Type": "Task",
                  "Resource": "arn:aws:states:::eks:call",
                  "Parameters": {
                    "ClusterName": "c", "CertificateAuthority": "ca", "Endpoint": "https://k", "Method": "GET",
                    "Path": "/apis/apps/v1/namespaces/p/deployments/b/scale"
                  },
                  "ResultSelector": { "body.$": "$.ResponseBody" },
                  "ResultPath": "$.scale",
                  "End": true
                }
              }
            }
            """);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [SkippableFact]
    public void DefinitionProblems_WhenAFargateJobIsRunAndItsResultRead_ShouldFindNone()
    {
        var problems = Judge(FargateJob("""
            {
              "Cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/jobs",
              "TaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/backup:1",
              "LaunchType": "FARGATE",
              "NetworkConfiguration": { "AwsvpcConfiguration": { "Subnets.$": "States.StringSplit('subnet-a,subnet-b', ',')", "SecurityGroups": [ "sg-1" ],
                "AssignPublicIp": "DISABLED" } },
              "Overrides": { "ContainerOverrides": [ { "Name": "job", "Environment": [ { "Name": "JOB_INPUT", "Value.$": "States.JsonToString($)" } ] } ] }
            }
            """, """["AmazonECS.Unknown", "Ecs.EcsException"]""", "$.Body"));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [SkippableFact]
    public void DefinitionProblems_WhenAFargateJobMisnamesAnOverrideAnErrorOrTheObjectBody_ShouldNameEach()
    {
        var problems = Judge(FargateJob("""
            { "Cluster": "jobs", "TaskDefinition": "backup:1", "Overrides": { "ContainerOverrides": [ { "Name": "job", "Env": [] } ] } }
            """, """["Ecs.TaskFailedException"]""", "$.Content"));

        Assert.Equal(3, problems.Count);
        Assert.StartsWith(
            $"{File}: state 'Run': Parameters.Overrides.ContainerOverrides[0].Env is not a member of ecs:runTask.sync's ContainerOverride",
            problems[0],
            StringComparison.Ordinal);
        Assert.StartsWith($"{File}: state 'Run': Retry matches Ecs.TaskFailedException, which is neither an error connect-ecs documents", problems[1],
            StringComparison.Ordinal);
        Assert.Contains("ResultSelector.document.$ reads $.Content from the result of s3:getObject, but GetObjectOutput has no member Content", problems[2],
            StringComparison.Ordinal);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenParameterIsSpelledAsTheApiReferenceSpellsIt_ShouldNameTheJavaSdkSpelling()
    {
        var problem = Assert.Single(Judge(Task("rds:describeDBInstances", """{ "DBInstanceIdentifier.$": "$.instance" }""")));

        Assert.Equal(
            $"{File}: state 'Call': Parameters.DBInstanceIdentifier is not a member of rds:describeDBInstances's DescribeDBInstancesMessage " +
            "(did you mean DbInstanceIdentifier? Step Functions spells members as the AWS SDK for Java v2 does)",
            problem);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenNestedLiteralHasAnUnknownField_ShouldNameItsPath()
    {
        var problem = Assert.Single(Judge(Task("rds:createDBSnapshot", """
            { "DbSnapshotIdentifier": "s", "DbInstanceIdentifier": "i", "Tags": [ { "Key": "k", "Val": "v" } ] }
            """)));

        Assert.StartsWith($"{File}: state 'Call': Parameters.Tags[0].Val is not a member of rds:createDBSnapshot's Tag", problem, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenRequiredMemberIsMissing_ShouldNameIt()
    {
        var problem = Assert.Single(Judge(Task("rds:createDBSnapshot", """{ "DbSnapshotIdentifier": "s" }""")));

        Assert.Equal(
            $"{File}: state 'Call': Parameters.DbInstanceIdentifier is required by rds:createDBSnapshot's CreateDBSnapshotMessage but not given",
            problem);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenLiteralHasTheWrongJsonType_ShouldNameTheMemberAndType()
    {
        var problem = Assert.Single(Judge(Task("rds:deleteDBInstance", """{ "DbInstanceIdentifier": "i", "SkipFinalSnapshot": "true" }""")));

        Assert.Equal($"{File}: state 'Call': Parameters.SkipFinalSnapshot is a string, but rds:deleteDBInstance takes a boolean there", problem);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenActionIsMisspelled_ShouldSuggestTheCamelCaseAction()
    {
        var problem = Assert.Single(Judge(Task("rds:DescribeDBInstances", "{}")));

        Assert.Equal(
            $"{File}: state 'Call': aws-sdk:rds:DescribeDBInstances is not an action of RDS; actions are the operation name with its first letter " +
                "lower-cased: describeDBInstances",
            problem);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenErrorIsNotModelled_ShouldSayWhatStepFunctionsReportsInstead()
    {
        var problem = Assert.Single(Judge(Task("rds:describeDBInstances", "{}", retry: """["Rds.ThrottlingException"]""")));

        Assert.Equal(
            $"{File}: state 'Call': Retry matches Rds.ThrottlingException, which is not an error the RDS model defines " +
            "(in Step Functions' spelling, Rds.<Java exception name>); errors RDS does not model reach Step Functions as Rds.RdsException",
            problem);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenFaultIsNamedWithItsModelName_ShouldRefuseIt()
    {
        var problems = Judge(Task("rds:describeDBInstances", "{}", retry: """["Rds.DBInstanceNotFoundFault", "States.Throttled"]"""));

        Assert.Equal(2, problems.Count);
        Assert.Contains("Retry matches Rds.DBInstanceNotFoundFault, which is not an error the RDS model defines", problems[0], StringComparison.Ordinal);
        Assert.EndsWith("Retry matches States.Throttled, which is not an error the States language defines", problems[1], StringComparison.Ordinal);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenResultSelectorReadsAFieldTheResponseLacks_ShouldNameTheShape()
    {
        var problem = Assert.Single(Judge(Task("rds:describeDBInstances", "{}", selector: """{ "status.$": "$.DbInstances[0].Status" }""")));

        Assert.StartsWith(
            $"{File}: state 'Call': ResultSelector.status.$ reads $.DbInstances[0].Status from the result of rds:describeDBInstances, but DBInstance has no " +
                "member Status",
            problem,
            StringComparison.Ordinal);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenALaterChoiceReadsTheRawResultWrongly_ShouldNameTheChoiceAndTheWriter()
    {
        var problems = Judge("""
            {
              "StartAt": "Describe",
              "States": {
                "Describe": {
                  "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rds:describeDBSnapshots",
                  "Parameters": { "DbSnapshotIdentifier": "s" }, "ResultPath": "$.snapshots", "Next": "Ready?"
                },
                "Ready?": {
                  "Type": "Choice",
                  "Choices": [ { "Variable": "$.snapshots.DbSnapshots[0].SnapshotStatus", "StringEquals": "available", "Next": "Done" } ],
                  "Default": "Done"
                },
                "Done": { "Type": "Succeed" }
              }
            }
            """);

        var problem = Assert.Single(problems);
        Assert.StartsWith(
            $"{File}: state 'Ready?': Choices[1].Variable reads $.snapshots.DbSnapshots[0].SnapshotStatus, but Describe puts the result of " +
                "rds:describeDBSnapshots",
            problem,
            StringComparison.Ordinal);
        Assert.Contains("DBSnapshot has no member SnapshotStatus", problem, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenAReferenceFollowsASelectedObjectIntoTheModel_ShouldCheckItThere()
    {
        var problems = Judge("""
            {
              "StartAt": "Read Endpoint",
              "States": {
                "Read Endpoint": {
                  "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rds:describeDBInstances",
                  "Parameters": { "DbInstanceIdentifier": "i" },
                  "ResultSelector": { "endpoint.$": "$.DbInstances[0].Endpoint" },
                  "ResultPath": "$.side", "Next": "Use It"
                },
                "Use It": { "Type": "Pass", "Parameters": { "host.$": "$.side.endpoint.Hostname", "port.$": "$.side.port" }, "End": true }
              }
            }
            """);

        Assert.Equal(2, problems.Count);
        Assert.Contains(
            "Parameters.host.$ reads $.side.endpoint.Hostname, but Read Endpoint puts the ResultSelector of rds:describeDBInstances at $.side, where " +
                "Endpoint has no member Hostname",
            problems[0],
            StringComparison.Ordinal);
        Assert.Contains(
            "Parameters.port.$ reads $.side.port, but Read Endpoint puts the ResultSelector of rds:describeDBInstances at $.side, where it selects only " +
                "endpoint, not port",
            problems[1],
            StringComparison.Ordinal);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenDataBeforeTheWriterIsRead_ShouldNotJudgeItAgainstTheResult()
    {
        var problems = Judge("""
            {
              "StartAt": "First",
              "States": {
                "First": { "Type": "Pass", "Parameters": { "x.$": "$.side.anything" }, "Next": "Describe" },
                "Describe": {
                  "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rds:describeDBInstances",
                  "Parameters": { "DbInstanceIdentifier.$": "$.side.id" }, "ResultPath": "$.side", "End": true
                }
              }
            }
            """);

        Assert.Empty(problems);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenOptimizedIntegrationsGetUndocumentedParametersOrErrors_ShouldReportEach()
    {
        var problems = Judge("""
            {
              "StartAt": "Publish",
              "States": {
                "Publish": {
                  "Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                  "Parameters": { "TopicArn": "t", "Message": "m", "Colour": "red" },
                  "Retry": [ { "ErrorEquals": [ "SNS.ThrottledException" ] } ],
                  "Next": "Scale"
                },
                "Scale": {
                  "Type": "Task", "Resource": "arn:aws:states:::eks:call",
                  "Parameters": { "ClusterName": "c", "CertificateAuthority": "ca", "Endpoint": "e", "Method": "OPTIONS", "Path": "/x" },
                  "Next": "Invoke"
                },
                "Invoke": {
                  "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": { "Payload": {} },
                  "Catch": [ { "ErrorEquals": [ "Lambda.Timeout", "NoSuchException" ], "Next": "Done" } ],
                  "Next": "Done"
                },
                "Done": { "Type": "Succeed" }
              }
            }
            """);

        Assert.Equal(
            [
                $"{File}: state 'Publish': Parameters.Colour is not a parameter sns:publish documents (it documents Message, MessageAttributes, " +
                    "MessageDeduplicationId, MessageGroupId, MessageStructure, PhoneNumber, Subject, TargetArn, TopicArn)",
                $"{File}: state 'Publish': Retry matches SNS.ThrottledException, which is not an error name Step Functions documents for sns:publish " +
                    "(connect-sns names none): match States.TaskFailed",
                $"{File}: state 'Scale': Parameters.Method is 'OPTIONS', which eks:call does not accept (documented: DELETE, GET, HEAD, PATCH, POST, PUT)",
                $"{File}: state 'Invoke': Parameters.FunctionName is required by lambda:invoke's InvocationRequest but not given",
            ],
            problems.Take(4));
        Assert.Equal(6, problems.Count);
        Assert.Contains("Catch matches Lambda.Timeout, which is neither a Lambda error Step Functions documents", problems[4], StringComparison.Ordinal);
        Assert.Contains("Catch matches NoSuchException, which is neither", problems[5], StringComparison.Ordinal);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenTasksSitInParallelBranchesAndMaps_ShouldJudgeThemToo()
    {
        var problems = Judge("""
            {
              "StartAt": "Fan Out",
              "States": {
                "Fan Out": {
                  "Type": "Parallel",
                  "Branches": [ { "StartAt": "A", "States": { "A": {
                    "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rds:describeDBInstances", "Parameters": { "Bogus": 1 }, "End": true } } } ],
                  "Next": "Each"
                },
                "Each": {
                  "Type": "Map", "ItemsPath": "$.items",
                  "ItemProcessor": { "StartAt": "B", "States": { "B": {
                    "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rds:deleteDBInstance", "Parameters": {}, "End": true } } },
                  "End": true
                }
              }
            }
            """);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith($"{File}: state 'Fan Out > branch 1 > A': Parameters.Bogus is not a member", problems[0], StringComparison.Ordinal);
        Assert.Equal(
            $"{File}: state 'Each > B': Parameters.DbInstanceIdentifier is required by rds:deleteDBInstance's DeleteDBInstanceMessage but not given",
            problems[1]);
    }

    [SkippableFact]
    public void DefinitionProblems_WhenAJsonataTaskMisspellsAnArgument_ShouldJudgeItsArgumentsLikeParameters()
    {
        var problems = Judge("""
            {
              "QueryLanguage": "JSONata",
              "StartAt": "Delete",
              "States": {
                "Delete": {
                  "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rds:deleteDBInstance",
                  "Arguments": { "DbInstanceIdentifier": "{% $states.input.id %}", "SkipFinalSnapshot": "{% true %}", "DeleteBackups": true },
                  "End": true
                }
              }
            }
            """);

        var problem = Assert.Single(problems);
        Assert.StartsWith(
            $"{File}: state 'Delete': Arguments.DeleteBackups is not a member of rds:deleteDBInstance's DeleteDBInstanceMessage",
            problem,
            StringComparison.Ordinal);
    }

    [SkippableFact]
    public void FunctionErrorNames_WhenErrorsFileIsRead_ShouldListItsSealedExceptionTypes()
    {
        BotocoreModels.Require();

        var names = SdkIntegrationChecker.FunctionErrorNames(ErrorsFile);

        Assert.Contains("BackupVerificationFailedException", names);
        Assert.Contains("AuditLogContentionException", names);
        Assert.DoesNotContain("DisasterRecoveryException", names);
    }

    private static string ErrorsFile => RepositoryPaths.Of("functions", "Shared", "Core", "Errors.cs");

    private static SdkIntegrationChecker Checker() =>
        new(BotocoreModels.Require(), SdkIntegrationChecker.FunctionErrorNames(ErrorsFile));

    private static IReadOnlyList<string> Judge(string asl) =>
        Checker().DefinitionProblems(File, JsonNode.Parse(asl)!.AsObject());

    /// <summary>
    /// ecs:runTask.sync with <paramref name="parameters"/> and a Retry on <paramref name="retry"/>, then s3:getObject reading
    /// <paramref name="body"/>.
    /// </summary>
    private static string FargateJob(string parameters, string retry, string body) => $$"""
        {
          "StartAt": "Run",
          "States": {
            "Run": {
              "Type": "Task",
              "Resource": "arn:aws:states:::ecs:runTask.sync",
              "Parameters": {{parameters}},
              "ResultPath": null,
              "Retry": [ { "ErrorEquals": {{retry}} } ],
              "Catch": [ { "ErrorEquals": [ "States.TaskFailed" ], "ResultPath": "$.error", "Next": "Read" } ],
              "Next": "Read"
            },
            "Read": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
              "Parameters": { "Bucket": "backups", "Key.$": "States.Format('jobs/{}/backup.json', $$.Execution.Name)" },
              "ResultSelector": { "document.$": "States.StringToJson({{body}})" },
              "Retry": [ { "ErrorEquals": [ "S3.NoSuchKeyException", "S3.S3Exception" ] } ],
              "End": true
            }
          }
        }
        """;

    /// <summary>A one-Task machine calling aws-sdk:<paramref name="call"/>.</summary>
    private static string Task(string call, string parameters, string? retry = null, string? selector = null) => $$"""
        {
          "StartAt": "Call",
          "States": {
            "Call": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:{{call}}",
              "Parameters": {{parameters}},
              {{(selector is null ? string.Empty : $"\"ResultSelector\": {selector},")}}
              {{(retry is null ? string.Empty : $"\"Retry\": [ {{ \"ErrorEquals\": {retry} }} ],")}}
              "End": true
            }
          }
        }
        """;
}
