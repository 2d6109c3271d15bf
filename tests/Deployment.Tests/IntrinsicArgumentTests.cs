using System.Text.Json.Nodes;
using DisasterRecovery.Deployment.Tests.Support;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>
/// No state machine depends on undocumented behaviour of the intrinsic functions: every argument is non-null by
/// construction (issue 11 §2.8: <c>States.Format</c> was called with <c>before</c> defaulting to null).
/// </summary>
public sealed class IntrinsicArgumentTests
{
    /// <summary>
    /// What the analysis cannot prove from the ASL but is non-null all the same, per ASL file, with the reason: members
    /// AWS always returns, and our functions' output members that their records declare non-nullable.
    /// </summary>
    private static readonly Dictionary<string, Dictionary<string, string>> Trusted = new(StringComparer.Ordinal)
    {
        ["statemachines/restore-database.asl.json"] = new(StringComparer.Ordinal)
        {
            ["$.assessment.reachable"] = "PostgresAssessResult.Reachable is a bool",
            ["$.restore.backupId"] = "PostgresRestoreResult.BackupId is a non-nullable string",
            ["$.restore.backupCompletedAt"] = "PostgresRestoreResult.BackupCompletedAt is a DateTimeOffset",
            ["$.restore.tables"] = "PostgresRestoreResult.Tables is an int",
            ["$.restore.rows"] = "PostgresRestoreResult.Rows is a long",
            ["$.instance.identifier"] = "RDS answers restoreDBInstanceFromDBSnapshot with the DBInstanceIdentifier it creates",
            ["$.instance.state.status"] = "RDS describes every instance with its DBInstanceStatus",
            ["$.instance.state.endpoint.Port"] = "RDS gives Endpoint.Port once the instance is available, the only time the flow reads it",
            ["$.snapshot.status"] = "RDS describes every snapshot with its Status",
            ["$.switch.configMap"] = "eks:call answers a GET that succeeded with the object as ResponseBody",
            ["$.assessment.restoreReason"] = "PostgresAssessHandler always sets Estimate, whose Reason is a non-nullable string",
            ["$.Body"] = "s3:getObject answers with the object's content as Body; the job wrote it (an absent object is NoSuchKey, not null)",
            ["$.application.deployment"] = "eks:call answers a GET that succeeded with the Deployment as ResponseBody",
            ["$.application.deployment.metadata"] = "the API server answers every object with its metadata",
            ["$.application.deployment.spec"] = "the API server answers a Deployment with its spec",
            ["$.switch.configMap.metadata"] = "the API server answers every object with its metadata",
            ["$.switch.configMap.metadata.annotations"] = "reached only after a Choice found an annotation of it to be a string",
            ["$.application.deployment.metadata.annotations['dr.marketplace/original-replicas']"] =
                "a Choice right before tests it IsString (brackets are not followed)",
            ["$.application.deployment.metadata.annotations['dr.marketplace/annotations-before-stop']"] =
                "a Choice right before tests it IsString (brackets are not followed)",
            ["$.switch.configMap.metadata.annotations['dr.marketplace/previous']"] = "a Choice right before tests it IsString (brackets are not followed)",
            ["$.revert.previous.data"] = "only the revert path reaches it, after Is The Record Of The Switch Complete? tested it IsNull: false",
            ["$.revert.previous.instance"] = "only the revert path reaches it, after Is The Record Of The Switch Complete? tested it IsString: true",
            ["$.superseded.identifier"] = "the literal 'none' (Nothing Superseded Yet) or an annotation a Choice tested IsString",
            ["$.earlier.stoppedBy"] = "the literal 'none' (Assume No Earlier Run) or an annotation a Choice tested IsString",
            ["$.earlier.switchedBy"] = "the literal 'none' (Assume No Earlier Run) or an annotation a Choice tested IsString",
            ["$.restoreChoice.runner"] = "one of the Restore On … Pass states sets it to a literal on every way to the restore",
        },
        ["statemachines/postgres-backup.asl.json"] = new(StringComparer.Ordinal)
        {
            ["$.assessment.reason"] = "PostgresAssessHandler always sets Estimate, whose Reason is a non-nullable string",
            ["$.ran.backup"] = "PostgresBackup returns its result record; a job writes {\"result\"} only when the function returned one",
            ["$.Body"] = "s3:getObject answers with the object's content as Body; the job wrote it (an absent object is NoSuchKey, not null)",
        },
        ["statemachines/point-in-time-recovery.asl.json"] = new(StringComparer.Ordinal)
        {
            ["$.side.identifier"] = "RDS answers restoreDBInstanceToPointInTime with the DBInstanceIdentifier it creates",
            ["$.side.state.status"] = "RDS describes every instance with its DBInstanceStatus",
            ["$.preview.totals"] = "TableRecoveryResult.Totals is a non-nullable record",
            ["$.preview.views"] = "TableRecoveryResult.Views is a non-nullable list",
        },
        ["statemachines/sweep-abandoned-instances.asl.json"] = new(StringComparer.Ordinal)
        {
            ["$.identifier"] = "each Map item is a DBInstance from describeDBInstances, which RDS always describes with its DBInstanceIdentifier",
            ["$.run.status"] = "Step Functions describes every execution with its Status; the not-found branch sets a literal one",
        },
        ["statemachines/verify-backup.asl.json"] = new(StringComparer.Ordinal)
        {
            ["$.measure.backupId"] = "PostgresVerifyResult.BackupId is a non-nullable string",
            ["$.verification.tables"] = "PostgresVerifyResult.Tables is an int",
            ["$.verification.rows"] = "PostgresVerifyResult.Rows is a long",
            ["$.server.state.status"] = "RDS describes every instance with its DBInstanceStatus",
            ["$.error.Error"] = "every way into Audit Failure sets $.error: a Catch (Step Functions' Error) or a Pass that sets Error",
            ["$.error.Cause"] = "every way into Audit Failure sets $.error: a Catch (Step Functions' Cause) or a Pass that sets Cause",
        },
        ["statemachines/redis-elasticache-backup.asl.json"] = new(StringComparer.Ordinal)
        {
            ["$.snapshot.state.status"] = "ElastiCache describes every snapshot with its SnapshotStatus",
            ["$.imported.backup.backupId"] = "RedisImportResult.BackupId is a non-nullable string",
        },
        ["statemachines/restore-redis.asl.json"] = new(StringComparer.Ordinal)
        {
            ["$.assessment.reachable"] = "RedisAssessResult.Reachable is a bool; Note That The Assessment Failed sets the literal false",
            ["$.restore.backupId"] = "RedisRestoreResult.BackupId and RedisStageResult.BackupId are non-nullable strings",
            ["$.restore.snapshotArn"] = "RedisStageResult.SnapshotArn is a non-nullable string",
            ["$.restored.host"] = "the target's host (Is The Request Complete? tested it IsString) or the available group's PrimaryEndpoint.Address",
            ["$.restored.port"] = "the target's port (Is The Request Complete? tested it IsNumeric) or the available group's PrimaryEndpoint.Port",
            ["$.newGroup.id"] = "request.replicationGroupId, which Is The Request Complete? tested IsString on the elasticache way, the only one to it",
            ["$.newGroup.state.status"] = "ElastiCache describes every replication group with its Status",
            ["$.switch.data"] = "the ConfigMap's data (a Choice tested it IsPresent; the API server never answers it null) or the literal {}",
            ["$.request.source"] = "Is The Request Valid? refuses a source that IsString false before anything that formats it",
            ["$.request.kind"] = "Is The Request Complete? lets only self-managed or elasticache through",
            ["$.switch.configMap"] = "eks:call answers a GET that succeeded with the object as ResponseBody",
            ["$.switch.configMap.metadata"] = "the API server answers every object with its metadata",
            ["$.switchConflicts.attempts"] = "Start Writing The Redis ConfigMap sets it to 0; Count Switch Conflict adds 1",
            ["$.application.podAnnotations"] = "the pod template's annotations (a Choice tested IsPresent) or the literal {}",
            ["$.application.deployment.spec.template.metadata"] = "a Deployment's pod template always has metadata (its labels match the selector)",
            ["$.application.deployment"] = "eks:call answers a GET that succeeded with the Deployment as ResponseBody",
            ["$.application.deployment.spec"] = "the API server answers a Deployment with its spec",
            ["$.application.deployment.spec.template"] = "a Deployment's spec always has its pod template",
            ["$.restartConflicts.attempts"] = "Start Restarting The Application sets it to 0; Count Restart Conflict adds 1",
            ["$.switch.annotations"] = "the ConfigMap's annotations (a Choice tested IsPresent; never null from the API server) or the literal {}",
        },
        ["statemachines/service-health.asl.json"] = new(StringComparer.Ordinal)
        {
            ["$.health.attempts"] = "HealthCheckResult.Attempts is an int",
        },
    };

    [Fact]
    public void StateMachines_WhenTheirIntrinsicsAreAnalysed_ShouldNeverPassANullArgument()
    {
        var problems = new List<string>();
        var usedTrust = new HashSet<string>(StringComparer.Ordinal);
        var files = 0;
        foreach (var machine in StateMachineChecks.StateMachines(DeploymentFiles.Template))
        {
            var file = TemplateChecks.Text(machine.Properties["DefinitionUri"])!;
            var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(DeploymentFiles.Template.Directory, file)))!.AsObject();
            var trusted = Trusted.GetValueOrDefault(file) ?? [];
            var used = new HashSet<string>(StringComparer.Ordinal);
            problems.AddRange(IntrinsicArgumentChecks.Problems(file, definition, trusted, used));
            problems.AddRange(trusted.Keys.Where(path => !used.Contains(path)).Select(path => $"{file}: {path} is trusted but no longer needed; remove it"));
            files++;
        }

        Assert.True(files >= 3, $"only {files} state machines found");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Problems_WhenANullDefaultIsFormatted_ShouldReportTheArgument()
    {
        // The shape restore-database had: before defaulted to null, then formatted into the audit event.
        var problems = Analyse("""
            { "StartAt": "Apply Defaults", "States": {
              "Apply Defaults": { "Type": "Pass", "Parameters": { "defaults": { "before": null }, "input.$": "$" }, "Next": "Merge Defaults" },
              "Merge Defaults": { "Type": "Pass", "Parameters": { "request.$": "States.JsonMerge($.defaults, $.input, false)" },
                "OutputPath": "$.request", "Next": "Record" },
              "Record": { "Type": "Pass", "Parameters": { "before.$": "States.Format('{}', $.before)" }, "End": true } } }
            """);

        Assert.Equal(["m.asl.json: state 'Record': Parameters.before.$: States.Format argument $.before may be null on some way to this state " +
                      "(guard it with a Choice, give it a non-null default, or trust it with a reason)"], problems);
    }

    [Fact]
    public void Problems_WhenANullDefaultIsFormattedOnlyOnTheBranchWhereItIsNotNull_ShouldFindNone()
    {
        var problems = Analyse("""
            { "StartAt": "Apply Defaults", "States": {
              "Apply Defaults": { "Type": "Pass", "Parameters": { "before": null }, "Next": "Given?" },
              "Given?": { "Type": "Choice", "Choices": [ { "Variable": "$.before", "IsNull": true, "Next": "Newest" } ], "Default": "Record" },
              "Newest": { "Type": "Pass", "Parameters": { "text": "the newest" }, "End": true },
              "Record": { "Type": "Pass", "Parameters": { "text.$": "States.Format('before {}', $.before)" }, "End": true } } }
            """);

        Assert.Empty(problems);
    }

    [Fact]
    public void Problems_WhenAChoiceRejectsEverythingButAStringFirst_ShouldFindNone()
    {
        var problems = Analyse("""
            { "StartAt": "Valid?", "States": {
              "Valid?": { "Type": "Choice", "Choices": [
                  { "Variable": "$.name", "IsPresent": false, "Next": "Reject" },
                  { "Variable": "$.name", "IsString": false, "Next": "Reject" } ], "Default": "Greet" },
              "Reject": { "Type": "Fail", "Error": "Bad", "Cause": "name must be a string" },
              "Greet": { "Type": "Pass", "Parameters": { "text.$": "States.Format('hello {} from {}', $.name, $$.Execution.Name)" },
                "ResultPath": "$.greeting", "Next": "Done" },
              "Done": { "Type": "Fail", "Error": "Done", "CausePath": "$.greeting.text" } } }
            """);

        Assert.Empty(problems);
    }

    [Fact]
    public void Problems_WhenOnlyOneOfTwoWaysInGuardsTheArgument_ShouldReportIt()
    {
        var problems = Analyse("""
            { "StartAt": "Which?", "States": {
              "Which?": { "Type": "Choice", "Choices": [ { "Variable": "$.name", "StringEquals": "x", "Next": "Greet" } ], "Default": "Greet" },
              "Greet": { "Type": "Pass", "Parameters": { "text.$": "States.Format('hello {}', $.name)" }, "End": true } } }
            """);

        Assert.Equal(["m.asl.json: state 'Greet': Parameters.text.$: States.Format argument $.name may be null on some way to this state " +
                      "(guard it with a Choice, give it a non-null default, or trust it with a reason)"], problems);
    }

    [Fact]
    public void Problems_WhenACatchRecordsTheErrorAndALoopCountsAttempts_ShouldKnowBothAreSet()
    {
        var problems = Analyse("""
            { "StartAt": "Start", "States": {
              "Start": { "Type": "Pass", "Result": { "attempts": 0 }, "ResultPath": "$.poll", "Next": "Call" },
              "Call": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": { "Message.$": "States.Format('try {}', $.poll.attempts)" },
                        "ResultSelector": { "id.$": "$.MessageId" }, "ResultPath": "$.sent",
                        "Catch": [ { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Count" } ], "Next": "Done" },
              "Count": { "Type": "Pass", "Parameters": { "attempts.$": "States.MathAdd($.poll.attempts, 1)" }, "ResultPath": "$.poll", "Next": "Again?" },
              "Again?": { "Type": "Choice", "Choices": [ { "Variable": "$.poll.attempts", "NumericLessThan": 3, "Next": "Call" } ], "Default": "Failed" },
              "Failed": { "Type": "Fail", "CausePath": "States.Format('{}: {}', $.error.Error, $.error.Cause)" },
              "Done": { "Type": "Pass", "Parameters": { "id.$": "States.Format('{}', $.sent.id)" }, "End": true } } }
            """);

        Assert.Equal(["m.asl.json: state 'Done': Parameters.id.$: States.Format argument $.sent.id may be null on some way to this state " +
                      "(guard it with a Choice, give it a non-null default, or trust it with a reason)"], problems);
    }

    [Fact]
    public void TryParseCall_WhenArgumentsHoldQuotesCommasAndCalls_ShouldSplitAtTopLevelCommasOnly()
    {
        var parsed = IntrinsicArgumentChecks.TryParseCall(
            "States.Format('a, {} \\'b\\'', States.JsonToString($.x), null, 3)",
            out var function,
            out var arguments);

        Assert.True(parsed);
        Assert.Equal("States.Format", function);
        Assert.Equal(["'a, {} \\'b\\''", "States.JsonToString($.x)", "null", "3"], arguments);
    }

    private static IReadOnlyList<string> Analyse(string asl) =>
        IntrinsicArgumentChecks.Problems("m.asl.json", JsonNode.Parse(asl)!.AsObject(), new Dictionary<string, string>());
}
