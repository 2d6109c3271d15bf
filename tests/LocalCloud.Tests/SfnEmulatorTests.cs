using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// aws-sdk:sfn (describeExecution, stopExecution) over the local cloud's executions, as a Task state sees it: the
/// stepfunctions model's members capitalised as Step Functions names them, its errors as Sfn.*Exception; and
/// <c>local/dr stop-execution</c> for an execution whose process is gone.
/// </summary>
public sealed class SfnEmulatorTests : IDisposable
{
    private const string Holder = """
        {
          "Comment": "Waits on a task token until stopped: a recovery execution caught mid-way.",
          "StartAt": "Hold",
          "States": {
            "Hold": {
              "Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
              "Parameters": { "FunctionName": "${ProbeArn}", "Payload": { "action": "echo", "message.$": "$$.Task.Token" } },
              "End": true
            }
          }
        }
        """;

    private const string Describer = """
        {
          "Comment": "Describes the execution named in the input; an error becomes the output.",
          "StartAt": "Describe",
          "States": {
            "Describe": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
              "Parameters": { "ExecutionArn.$": "$.arn" },
              "Retry": [ { "ErrorEquals": [ "Sfn.SfnException" ], "MaxAttempts": 1 } ],
              "Catch": [ { "ErrorEquals": [ "States.ALL" ], "Next": "Report The Error" } ],
              "End": true
            },
            "Report The Error": { "Type": "Pass", "End": true }
          }
        }
        """;

    private const string Stopper = """
        {
          "Comment": "Stops the execution named in the input.",
          "StartAt": "Stop",
          "States": {
            "Stop": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:sfn:stopExecution",
              "Parameters": { "ExecutionArn.$": "$.arn", "Error": "Operator.Stopped", "Cause": "stopped mid-way" },
              "Retry": [ { "ErrorEquals": [ "Sfn.SfnException" ], "MaxAttempts": 1 } ],
              "End": true
            }
          }
        }
        """;

    private readonly TempFolder _folder = new();
    private readonly string _template;

    public SfnEmulatorTests()
    {
        _template = TestCloud.WriteTemplate(_folder, new Dictionary<string, string>
        {
            ["Holder"] = Holder,
            ["Describer"] = Describer,
            ["Stopper"] = Stopper,
            ["LowerCaseDescriber"] = Describer.Replace("\"ExecutionArn.$\"", "\"executionArn.$\"", StringComparison.Ordinal),
        });
    }

    /// <summary>The state folder as local/dr finds it under DR_STATE_DIR.</summary>
    private string StateDirectory => Path.Combine(_folder.Path, "state", "cloud");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task DescribeExecution_WhenTheExecutionRunsAndIsThenStopped_ShouldAnswerWithTheModelsMembersAndStatus()
    {
        // Arrange
        await using var cloud = TestCloud.Create(_template, StateDirectory);
        var held = cloud.StartExecution("Holder", """{"reason": "drill"}""", "held");

        // Act
        var running = await DescribeAsync(cloud, held, "describe-running");
        var stop = await cloud.RunExecutionAsync("Stopper", new JsonObject { ["arn"] = held }.ToJsonString(), "stop-held");
        var aborted = await DescribeAsync(cloud, held, "describe-aborted");

        // Assert
        Assert.Equal(new[] { "ExecutionArn", "StateMachineArn", "Name", "Status", "StartDate", "Input", "InputDetails" }, running.Select(p => p.Key));
        Assert.Equal("RUNNING", running["Status"]!.GetValue<string>());
        Assert.Equal(held, running["ExecutionArn"]!.GetValue<string>());
        Assert.Equal("held", running["Name"]!.GetValue<string>());
        Assert.Equal(cloud.FindStateMachine("Holder").Arn, running["StateMachineArn"]!.GetValue<string>());
        Assert.Equal("""{"reason":"drill"}""", running["Input"]!.GetValue<string>());
        Assert.True(running["InputDetails"]!["Included"]!.GetValue<bool>());
        Assert.Equal("SUCCEEDED", stop.Status);
        Assert.NotNull(TestCloud.Json(stop.Output)["StopDate"]);
        Assert.Equal("ABORTED", aborted["Status"]!.GetValue<string>());
        Assert.Equal("Operator.Stopped", aborted["Error"]!.GetValue<string>());
        Assert.Equal("stopped mid-way", aborted["Cause"]!.GetValue<string>());
        Assert.NotNull(aborted["StopDate"]);
        Assert.Null(aborted["Output"]);
    }

    [Theory]
    [InlineData("arn:aws:states:us-east-1:000000000000:execution:Holder:never-started", "Sfn.ExecutionDoesNotExistException")]
    [InlineData("not-an-execution-arn", "Sfn.InvalidArnException")]
    public async Task DescribeExecution_WhenTheExecutionCannotBeFound_ShouldFailWithTheStepFunctionsErrorName(string executionArn, string error)
    {
        await using var cloud = TestCloud.Create(_template, StateDirectory);

        var result = await DescribeAsync(cloud, executionArn, "describe-missing");

        Assert.Equal(error, result["Error"]!.GetValue<string>());
        Assert.Contains(executionArn, result["Cause"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenAnSfnParameterIsNotTheModelsMember_ShouldRefuseTheMachineBeforeItRuns()
    {
        await using var cloud = TestCloud.Create(_template, StateDirectory);

        var refused = Assert.Throws<StackLoadException>(() => cloud.StartExecution("LowerCaseDescriber", """{"arn": "x"}""", "lower-case"));

        Assert.Contains("The field 'executionArn' is not supported by Step Functions", refused.Message, StringComparison.Ordinal);
        Assert.Contains("The field 'ExecutionArn' is required but was missing", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopExecutionCommand_WhenTheProcessThatRanTheExecutionIsGone_ShouldRecordItAbortedForDescribeExecution()
    {
        // Arrange: a local cloud starts an execution and goes away without recording its end (a killed local/dr).
        string orphan;
        await using (var first = TestCloud.Create(_template, StateDirectory))
        {
            orphan = first.StartExecution("Holder", "{}", "orphaned");
        }

        await using var cloud = TestCloud.Create(_template, StateDirectory);
        var before = await DescribeAsync(cloud, orphan, "describe-orphan-before");

        // Act
        var stop = await CliRun.RunAsync(Path.Combine(_folder.Path, "state"), null, "stop-execution", orphan, "--error", "Operator.Cleanup", "--cause",
            "its terminal was closed");
        var again = await CliRun.RunAsync(Path.Combine(_folder.Path, "state"), null, "stop-execution", orphan);
        var unknown = await CliRun.RunAsync(Path.Combine(_folder.Path, "state"), null, "stop-execution",
            orphan.Replace("orphaned", "never-started", StringComparison.Ordinal));
        var after = await DescribeAsync(cloud, orphan, "describe-orphan-after");

        // Assert
        Assert.Equal("RUNNING", before["Status"]!.GetValue<string>());
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains($"Stopped: {orphan} is ABORTED", stop.Output, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Nothing to stop", again.Output, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Execution Does Not Exist", unknown.Error, StringComparison.Ordinal);
        Assert.Equal("ABORTED", after["Status"]!.GetValue<string>());
        Assert.Equal("Operator.Cleanup", after["Error"]!.GetValue<string>());
        Assert.NotNull(after["StopDate"]);
        var lastEvent = cloud.Executions.Find(orphan)!.Events[^1]!;
        Assert.Equal("ExecutionAborted", lastEvent["type"]!.GetValue<string>());
        Assert.Equal("its terminal was closed", lastEvent["executionAbortedEventDetails"]!["cause"]!.GetValue<string>());
    }

    /// <summary>Runs the Describer machine on <paramref name="executionArn"/>: DescribeExecution's output, or the caught error.</summary>
    private static async Task<JsonObject> DescribeAsync(LocalCloudHost cloud, string executionArn, string name)
    {
        var run = await cloud.RunExecutionAsync("Describer", new JsonObject { ["arn"] = executionArn }.ToJsonString(), name);
        Assert.True(run.Status == "SUCCEEDED", $"{run.Status}: {run.Error}: {run.Cause}");
        return TestCloud.Json(run.Output);
    }
}
