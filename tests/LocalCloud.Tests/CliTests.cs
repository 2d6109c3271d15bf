using System.Diagnostics;
using System.Text.RegularExpressions;
using DisasterRecovery.TestSupport;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>local/dr's commands through the CLI's entry method (one test runs the real local/dr script).</summary>
public sealed class CliTests
{
    private const string TaskTokenMachine = """
        {
          "Comment": "Asks the probe to echo its task token and waits for an answer.",
          "StartAt": "Ask For Approval",
          "States": {
            "Ask For Approval": {
              "Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
              "Parameters": { "FunctionName": "${ProbeArn}", "Payload": { "action": "echo", "message.$": "$$.Task.Token" } },
              "End": true
            }
          }
        }
        """;

    [Fact]
    public async Task List_WhenRepositoryTemplate_ShouldPrintFunctionsMachinesTopicsAndSchedules()
    {
        using var folder = new TempFolder();

        var run = await CliRun.RunAsync(folder.Path, null, "list");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("HealthCheckFunction  handler HealthCheck  timeout 60 s  memory 256 MB", run.Output, StringComparison.Ordinal);
        Assert.Contains("environment: DR_ENVIRONMENT=production, DR_REGION_ROLE=primary", run.Output, StringComparison.Ordinal);
        Assert.Contains("${HealthCheckFunctionArn} = arn:aws:lambda:us-east-1:000000000000:function:technician-marketplace-dr-HealthCheckFunction", run.Output,
            StringComparison.Ordinal);
        Assert.Contains("runs locally: yes", run.Output, StringComparison.Ordinal);
        Assert.Contains("ServiceHealthStateMachine.EveryFiveMinutes  ScheduleV2  rate(5 minutes)  ENABLED", run.Output, StringComparison.Ordinal);
    }

    private const string InvokeProbeMachine = """
        {
          "Comment": "Hands its input to the probe, which throws when asked to.",
          "StartAt": "Restore The Table",
          "States": {
            "Restore The Table": {
              "Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": { "FunctionName": "${ProbeArn}", "Payload.$": "$" },
              "End": true
            }
          }
        }
        """;

    private const string ThrowWithApostrophe = """{"action": "throw", "message": "the table 'jobs' isn't in the backup"}""";

    [Fact]
    public async Task Help_WhenAsked_ShouldShowTheCommandPeopleType()
    {
        using var folder = new TempFolder();

        var run = await CliRun.RunAsync(folder.Path, null, "--help");
        var commandHelp = await CliRun.RunAsync(folder.Path, null, "start-execution", "--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Usage:" + Environment.NewLine + "  local/dr [command] [options]", run.Output, StringComparison.Ordinal);
        Assert.Contains("--verbose", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("LocalCloud", run.Output, StringComparison.Ordinal);
        Assert.Contains("local/dr start-execution <state-machine> [options]", commandHelp.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenAFunctionIsAContainerImage_ShouldSayImageAndItsCommandInsteadOfAnUnknownRuntime()
    {
        using var folder = new TempFolder();

        var run = await CliRun.RunAsync(folder.Path, null, "list");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("PostgresBackupFunction  handler PostgresBackup  timeout 900 s  memory 1024 MB  image (ImageConfig.Command [PostgresBackup])",
            run.Output, StringComparison.Ordinal);
        Assert.Contains("HealthCheckFunction  handler HealthCheck  timeout 60 s  memory 256 MB  runtime dotnet10", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("runtime ?", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenAFunctionThrowsInsideTheFlow_ShouldShowErrorTypeAndMessageWithoutEscapesOrStackTrace()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Restore"] = InvokeProbeMachine });
        var input = folder.Write("input.json", ThrowWithApostrophe);

        var run = await CliRun.RunAsync(folder.Path, null, "start-execution", "Restore", "--input", input, "--template", template);
        var arn = Regex.Match(run.Output, @"  arn: (arn:aws:states:\S+)").Groups[1].Value;
        var history = await CliRun.RunAsync(folder.Path, null, "get-execution-history", arn);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: ProbeRequestedFailureException" + Environment.NewLine, run.Output, StringComparison.Ordinal);
        Assert.Contains("Cause: ProbeRequestedFailureException: the table 'jobs' isn't in the backup", run.Output, StringComparison.Ordinal);
        Assert.Contains(run.Output.Split('\n'), l => TimestampedEvent("TaskFailed").IsMatch(l)
            && l.EndsWith("Restore The Table  ProbeRequestedFailureException: the table 'jobs' isn't in the backup", StringComparison.Ordinal));
        Assert.DoesNotContain("\\u0027", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("stackTrace", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stack trace:", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(" at DisasterRecovery.", run.Output, StringComparison.Ordinal);
        Assert.Contains(history.Output.Split('\n'), l => l.Contains("TaskFailed", StringComparison.Ordinal)
            && l.EndsWith("ProbeRequestedFailureException: the table 'jobs' isn't in the backup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartExecution_WhenVerbose_ShouldPrintTheStackTraceWithRepositoryRelativePathsOnly()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Restore"] = InvokeProbeMachine });
        var input = folder.Write("input.json", ThrowWithApostrophe);

        var run = await CliRun.RunAsync(folder.Path, null, "start-execution", "Restore", "--input", input, "--template", template, "--verbose");

        Assert.Equal(1, run.ExitCode);
        var trace = run.Output[run.Output.IndexOf("Stack trace:", StringComparison.Ordinal)..];
        Assert.Contains("at DisasterRecovery.Tests.ProbeFunction.ProbeHandler.HandleAsync", trace, StringComparison.Ordinal);
        Assert.Contains(" in /src/tests/Fixtures/ProbeFunction/ProbeFunction.cs:line ", trace, StringComparison.Ordinal);

        // The build maps the repository folder to /src/: no part of this machine's path reaches a trace.
        Assert.DoesNotContain(RepositoryPaths.Root, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetDirectoryName(RepositoryPaths.Root.TrimEnd('/'))! + "/", trace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenTheFunctionThrows_ShouldLeaveTheStackTraceOutUnlessVerbose()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string>());
        var failing = folder.Write("event.json", ThrowWithApostrophe);

        var plain = await CliRun.RunAsync(folder.Path, null, "invoke", "ProbeFunction", "--event", failing, "--template", template);
        var verbose = await CliRun.RunAsync(folder.Path, null, "invoke", "ProbeFunction", "--event", failing, "--template", template, "--verbose");

        Assert.Equal(1, plain.ExitCode);
        Assert.False(TestCloud.Json(plain.Output).ContainsKey("stackTrace"), plain.Output);
        Assert.Contains("\"errorMessage\": \"the table 'jobs' isn't in the backup\"", plain.Output, StringComparison.Ordinal);
        Assert.Contains("/src/tests/Fixtures/ProbeFunction/ProbeFunction.cs", TestCloud.Json(verbose.Output)["stackTrace"]!.ToJsonString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenEndpointIsHealthy_ShouldPrintEachStateAndExitZeroThenDescribeFromTheRecord()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) => http.Response.WriteAsync("""{"status":"ok"}"""));
        using var folder = new TempFolder();
        var input = folder.Write("input.json", $$"""{"url": "{{endpoint.BaseUrl}}health", "expectedBodyContains": "\"status\":\"ok\""}""");

        var run = await CliRun.RunAsync(folder.Path, null, "start-execution", "ServiceHealthStateMachine", "--input", input, "--name", "cli-healthy");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n');
        // The machine first checks its input (a Task, as every flow does), then whether it was given a URL (a Choice), then checks
        // the URL (a Task) and decides (a Choice).
        var order = new[] { "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskSucceeded", "ChoiceStateEntered", "SucceedStateEntered",
            "ExecutionSucceeded" }
            .Select(type => Array.FindIndex(lines, l => TimestampedEvent(type).IsMatch(l))).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order().ToList(), order);
        Assert.Contains("│ HealthCheckFunction: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("Execution SUCCEEDED", run.Output, StringComparison.Ordinal);
        var arn = "arn:aws:states:us-east-1:000000000000:execution:technician-marketplace-dr-service-health:cli-healthy";

        var describe = await CliRun.RunAsync(folder.Path, null, "describe-execution", arn);
        var history = await CliRun.RunAsync(folder.Path, null, "get-execution-history", arn, "--json");
        var plainHistory = await CliRun.RunAsync(folder.Path, null, "get-execution-history", arn);
        var list = await CliRun.RunAsync(folder.Path, null, "list-executions");

        Assert.Equal("SUCCEEDED", TestCloud.Json(describe.Output)["status"]!.GetValue<string>());
        var events = TestCloud.Json(history.Output)["events"]!.AsArray();
        Assert.Equal("ExecutionStarted", events[0]!["type"]!.GetValue<string>());
        Assert.Equal("ExecutionSucceeded", events[^1]!["type"]!.GetValue<string>());
        // Two Tasks ran (CheckFlowInput, then HealthCheck), both Lambda invocations.
        Assert.Equal(["lambda", "lambda"], events.Where(e => e!["type"]!.GetValue<string>() == "TaskScheduled")
            .Select(e => e!["taskScheduledEventDetails"]!["resourceType"]!.GetValue<string>()));
        Assert.Contains(plainHistory.Output.Split('\n'), l =>
            Regex.IsMatch(l, @"^ +\d+  ") && l.EndsWith("TaskScheduled           lambda:invoke", StringComparison.Ordinal));
        Assert.Contains($"SUCCEEDED  ", list.Output, StringComparison.Ordinal);
        Assert.Contains(arn, list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenEndpointIsUnhealthy_ShouldExitOneWithTheErrorAndCause()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) =>
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        using var folder = new TempFolder();
        var input = folder.Write("input.json", $$"""{"url": "{{endpoint.BaseUrl}}health", "maxAttempts": 1}""");

        var run = await CliRun.RunAsync(folder.Path, null, "start-execution", "ServiceHealthStateMachine", "--input", input);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Execution FAILED", run.Output, StringComparison.Ordinal);
        Assert.Contains("Error: ServiceUnhealthy", run.Output, StringComparison.Ordinal);
        Assert.Contains("answered 503 after 1 attempt(s)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenRealTimeIsAsked_ShouldWaitOnTheSystemClock()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string>
        {
            ["Pause"] = """{ "StartAt": "Pause", "States": { "Pause": { "Type": "Wait", "Seconds": 1, "End": true } } }""",
        });
        var wall = Stopwatch.StartNew();

        var realTime = await CliRun.RunAsync(folder.Path, null, "start-execution", "Pause", "--template", template, "--real-time", "--name", "real");
        var realElapsed = wall.Elapsed;
        var virtualRun = await CliRun.RunAsync(folder.Path, null, "start-execution", "Pause", "--template", template, "--name", "virtual");

        Assert.True(realTime.ExitCode == 0, realTime.ToString());
        Assert.Contains("on the system clock", realTime.Output, StringComparison.Ordinal);
        Assert.True(realElapsed >= TimeSpan.FromSeconds(1), $"a 1 s Wait on the system clock took {realElapsed}");
        Assert.Contains("1 s on the virtual clock", virtualRun.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenParameterOverridesMakeItTheDrRegion_ShouldShowUsWest2AndTheDisabledSchedule()
    {
        using var folder = new TempFolder();

        var run = await CliRun.RunAsync(folder.Path, null, "list", "--parameter-overrides", "RegionRole=dr", "EnvironmentName=staging");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Stack technician-marketplace-dr (us-west-2, account 000000000000)", run.Output, StringComparison.Ordinal);
        Assert.Contains("DR_ENVIRONMENT=staging, DR_REGION_ROLE=dr", run.Output, StringComparison.Ordinal);
        Assert.Contains("ServiceHealthStateMachine.EveryFiveMinutes  ScheduleV2  rate(5 minutes)  DISABLED", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenTheMachineIsUnknown_ShouldExitTwoListingTheMachines()
    {
        using var folder = new TempFolder();

        var run = await CliRun.RunAsync(folder.Path, null, "start-execution", "FailoverStateMachine");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no state machine 'FailoverStateMachine' in template.yaml (state machines: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("ServiceHealthStateMachine", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenTheInputFileIsNotJson_ShouldNameTheFileLineAndPosition()
    {
        using var folder = new TempFolder();
        var input = folder.Write("broken.json", "{\n  \"url\": \"http://127.0.0.1/\",\n  \"expectedStatus\": 2OO\n}\n");

        var run = await CliRun.RunAsync(folder.Path, null, "start-execution", "ServiceHealthStateMachine", "--input", input);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"input file {input} is not valid JSON: line 3, position 22: 'O' is an invalid end of a number", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenTheInputFailsAPath_ShouldReportStatesRuntimeAndExitOne()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string>
        {
            ["Restore"] = """{ "StartAt": "Pick Backup", "States": { "Pick Backup": { "Type": "Pass", "InputPath": "$.backup.id", "End": true } } }""",
        });
        var input = folder.Write("input.json", """{"restore": true}""");

        var run = await CliRun.RunAsync(folder.Path, null, "start-execution", "Restore", "--input", input, "--template", template);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: States.Runtime", run.Output, StringComparison.Ordinal);
        Assert.Contains("An error occurred while executing the state 'Pick Backup'", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenTheFunctionThrows_ShouldPrintErrorTypeAndMessageAndExitOne()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string>());
        var failing = folder.Write("event.json", """{"action": "throw", "message": "checksum mismatch"}""");
        var echo = folder.Write("echo.json", """{"action": "log", "message": "hello"}""");

        var failed = await CliRun.RunAsync(folder.Path, null, "invoke", "ProbeFunction", "--event", failing, "--template", template);
        var succeeded = await CliRun.RunAsync(folder.Path, null, "invoke", "ProbeFunction", "--event", echo, "--template", template);

        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("ProbeRequestedFailureException", TestCloud.Json(failed.Output)["errorType"]!.GetValue<string>());
        Assert.Contains("ProbeFunction failed: ProbeRequestedFailureException: checksum mismatch", failed.Error, StringComparison.Ordinal);
        Assert.True(succeeded.ExitCode == 0, succeeded.ToString());
        Assert.Equal("hello", TestCloud.Json(succeeded.Output)["message"]!.GetValue<string>());
        Assert.Contains("\"message\":\"hello\"", succeeded.Error, StringComparison.Ordinal); // the function's log line
    }

    [Fact]
    public async Task Invoke_WhenTheFunctionIsUnknown_ShouldExitTwoListingTheFunctions()
    {
        using var folder = new TempFolder();

        var run = await CliRun.RunAsync(folder.Path, null, "invoke", "RestoreFunction");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no function 'RestoreFunction' in template.yaml (functions: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("HealthCheckFunction", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--approve-task-tokens", null, 0, "SUCCEEDED")]
    [InlineData("--reject-task-tokens", null, 1, "FAILED")]
    [InlineData(null, "r\n", 1, "FAILED")]
    [InlineData(null, null, 1, "ABORTED")]
    public async Task StartExecution_WhenATaskWaitsForItsToken_ShouldAnswerFromFlagsOrTheTerminal(string? flag, string? terminal, int exitCode, string status)
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Approval"] = TaskTokenMachine });
        string[] args = ["start-execution", "Approval", "--template", template, .. flag is null ? Array.Empty<string>() : [flag]];

        var run = await CliRun.RunAsync(folder.Path, terminal, args);

        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Contains($"Execution {status}", run.Output, StringComparison.Ordinal);
        Assert.Contains("Task token for state 'Ask For Approval'", run.Output, StringComparison.Ordinal);
        var expected = status switch
        {
            "SUCCEEDED" => "\"approved\": true",
            "FAILED" => "Error: TaskRejected",
            _ => "Error: LocalCloud.TaskTokenUnanswered",
        };
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulateSchedules_WhenPlanningOneDay_ShouldPrintEveryFiringInOrderWithoutRunningAnything()
    {
        using var folder = new TempFolder();

        var run = await CliRun.RunAsync(folder.Path, null, "simulate-schedules", "--days", "1", "--from", "2025-03-03");

        Assert.True(run.ExitCode == 0, run.ToString());
        var firings = run.Output.Split('\n').Where(l => l.StartsWith("2025-03-03T", StringComparison.Ordinal)).ToList();
        Assert.Contains($"from 2025-03-03T00:00:00.000Z to 2025-03-04T00:00:00.000Z (UTC): {firings.Count} firing(s)", run.Output, StringComparison.Ordinal);
        Assert.Equal(288, firings.Count(l => l.Contains("  ServiceHealthStateMachine  EveryFiveMinutes  ", StringComparison.Ordinal)));
        Assert.StartsWith("2025-03-03T00:05:00.000Z  ServiceHealthStateMachine  EveryFiveMinutes",
            firings.Where(l => l.Contains("  ServiceHealthStateMachine  ", StringComparison.Ordinal)).ElementAt(1), StringComparison.Ordinal);
        Assert.Equal(24, firings.Count(l => l.Contains("  RedisBackupFunction  Hourly  ", StringComparison.Ordinal)));
        Assert.Equal(firings.OrderBy(l => l[..24], StringComparer.Ordinal).ToList(), firings);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "cloud", "executions")));
    }

    [Fact]
    public async Task SimulateSchedules_WhenExecuting_ShouldFireEachTargetAtItsTimeOnTheVirtualClock()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string>
        {
            ["Nightly"] =
                """{ "StartAt": "Stamp", "States": { "Stamp": { "Type": "Pass", "Parameters": { "at.$": "$$.Execution.StartTime" }, "End": true } } }""",
        }, """
              NightlyEvents:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionUri: statemachines/Nightly.asl.json
                  Events:
                    AtTwo:
                      Type: ScheduleV2
                      Properties:
                        ScheduleExpression: cron(0 2 * * ? *)
                        Input: '{"job": "backup"}'

            """);

        var run = await CliRun.RunAsync(folder.Path, null, "simulate-schedules", "--days", "2", "--from", "2025-03-03", "--execute", "--template", template);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Fired 2: 2 SUCCEEDED", run.Output, StringComparison.Ordinal);
        var history = await CliRun.RunAsync(folder.Path, null, "list-executions", "--state-machine", "NightlyEvents");
        var starts =
            history.Output.Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Order().ToList();
        Assert.Equal(new List<string> { "2025-03-03T02:00:00.000Z", "2025-03-04T02:00:00.000Z" }, starts);
    }

    [Fact]
    public async Task DescribeExecution_WhenNothingWasRecorded_ShouldExitTwoWithExecutionDoesNotExist()
    {
        using var folder = new TempFolder();

        var run = await CliRun.RunAsync(folder.Path, null, "describe-execution", "arn:aws:states:us-east-1:000000000000:execution:m:missing");
        var notAnArn = await CliRun.RunAsync(folder.Path, null, "describe-execution", "missing");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("ExecutionDoesNotExist", run.Error, StringComparison.Ordinal);
        Assert.Equal(2, notAnArn.ExitCode);
        Assert.Contains("'missing' is not an execution ARN", notAnArn.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchmarkEngine_WhenRun_ShouldReportWallTimesAndVirtualTimeCovered()
    {
        using var folder = new TempFolder();

        var run = await CliRun.RunAsync(folder.Path, null, "benchmark-engine", "--runs", "3", "--states", "20", "--warmup", "0");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"wall time per execution: min [0-9.]+ ms, median [0-9.]+ ms, max [0-9.]+ ms", run.Output);
        Assert.Contains("virtual time covered per execution: 10 h", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalDr_WhenRunFromAnotherFolder_ShouldBuildAndListTheRepositoryStack()
    {
        using var folder = new TempFolder();
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.Path };
        info.ArgumentList.Add(RepositoryPaths.Of("local", "dr"));
        info.ArgumentList.Add("list");
        info.Environment["DR_STATE_DIR"] = folder.Path;
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(15));

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(guard.Token);
        var error = process.StandardError.ReadToEndAsync(guard.Token);
        await process.WaitForExitAsync(guard.Token);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await output}\n{await error}");
        Assert.Contains($"State folder: {Path.Combine(folder.Path, "cloud")}", await output, StringComparison.Ordinal);
        Assert.Contains("ServiceHealthStateMachine", await output, StringComparison.Ordinal);
    }

    private static Regex TimestampedEvent(string type) => new($"^\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{{3}}Z  {type}(\\s|$)");
}
