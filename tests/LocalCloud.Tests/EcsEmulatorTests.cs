using System.Text.Json.Nodes;
using DisasterRecovery.LocalEcs;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalSecretsManager;
using DisasterRecovery.LocalStepFunctions.Time;
using DisasterRecovery.TestSupport.AwsModels;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// The <c>ecs</c> emulator: <c>ecs:runTask.sync</c> runs a task definition's container as a real process (the probe
/// function's executable with <c>--job</c>), waits for it, answers as ECS describes a task, fails the state with
/// <c>States.TaskFailed</c> on a non-zero exit, stops the process when the execution is stopped; and its request and
/// answers against the botocore <c>ecs</c> model.
/// </summary>
public sealed class EcsEmulatorTests : IAsyncLifetime
{
    private const string Bucket = "probe-job-results";

    private const string TaskResources = """
          ProbeResults:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: probe-job-results
          ProbeTask:
            Type: AWS::ECS::TaskDefinition
            Properties:
              Family: probe-job
              RequiresCompatibilities: [FARGATE]
              NetworkMode: awsvpc
              Cpu: "256"
              Memory: "512"
              ContainerDefinitions:
                - Name: job
                  Image: public.ecr.aws/lambda/dotnet:10
                  EntryPoint: [/var/lang/bin/dotnet]
                  Command: [/var/task/ProbeFunction.dll, --job]
                  Environment:
                    - Name: PROBE_MODE
                      Value: task

        """;

    private const string Machine = """
        {
          "Comment": "Runs the probe as a Fargate task and waits for it",
          "StartAt": "Run Probe Task",
          "States": {
            "Run Probe Task": {
              "Type": "Task",
              "Resource": "arn:aws:states:::ecs:runTask.sync",
              "Parameters": {
                "Cluster": "jobs",
                "TaskDefinition": "probe-job",
                "LaunchType": "FARGATE",
                "NetworkConfiguration": { "AwsvpcConfiguration": { "Subnets": ["subnet-a"], "SecurityGroups": ["sg-a"] } },
                "Overrides": { "ContainerOverrides": [ { "Name": "job", "Environment": [
                  { "Name": "JOB_INPUT", "Value.$": "States.JsonToString($.request)" },
                  { "Name": "JOB_RESULT_BUCKET", "Value": "probe-job-results" },
                  { "Name": "JOB_RESULT_KEY", "Value.$": "States.Format('jobs/{}/probe.json', $$.Execution.Name)" } ] } ] }
              },
              "End": true
            }
          }
        }
        """;

    private readonly TempFolder _folder = new();
    private LocalCloudHost _cloud = null!;

    public async Task InitializeAsync()
    {
        var template = TestCloud.WriteTemplate(_folder, new Dictionary<string, string> { ["ProbeTaskMachine"] = Machine }, TaskResources);
        _cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = template, StateDirectory = _folder.Path + "/state", Clock = new VirtualTimeProvider(),
        });
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task RunTaskSync_WhenTheJobSucceeds_ShouldWaitForTheProcessAndAnswerTheStoppedTask()
    {
        var execution = await _cloud.RunExecutionAsync("ProbeTaskMachine", """{"request":{"action":"echo","message":"from a task"}}""", "probe-ok");

        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        var task = TestCloud.Json(execution.Output);
        Assert.Equal("STOPPED", task["LastStatus"]!.GetValue<string>());
        Assert.Equal("EssentialContainerExited", task["StopCode"]!.GetValue<string>());
        Assert.Equal(0, task["Containers"]![0]!["ExitCode"]!.GetValue<int>());
        Assert.Equal($"arn:aws:ecs:{_cloud.Stack.Region}:{_cloud.Stack.AccountId}:task-definition/probe-job:1", task["TaskDefinitionArn"]!.GetValue<string>());
        var result = await ReadResultAsync("probe-ok");
        Assert.Equal("from a task", result["result"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunTaskSync_WhenTheJobExitsNonZero_ShouldFailWithStatesTaskFailedAndTheTaskAsCause()
    {
        var execution = await _cloud.RunExecutionAsync("ProbeTaskMachine", """{"request":{"action":"throw","message":"no such backup"}}""", "probe-fails");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("States.TaskFailed", execution.Error);
        var cause = TestCloud.Json(execution.Cause);
        Assert.Equal(1, cause["Containers"]![0]!["ExitCode"]!.GetValue<int>());
        Assert.Equal("STOPPED", cause["LastStatus"]!.GetValue<string>());
        var result = await ReadResultAsync("probe-fails");
        Assert.Equal("ProbeRequestedFailureException", result["errorType"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunTaskSync_WhenTheExecutionIsStopped_ShouldStopTheTaskProcess()
    {
        var ecs = _cloud.Emulators.Get<EcsEmulator>();
        var started = new TaskCompletionSource<LocalTask>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ecs.TaskStarted += (_, e) => started.TrySetResult(e.Task);
        ecs.LogLine += (_, e) =>
        {
            if (e.Line.Contains("job started", StringComparison.Ordinal))
            {
                running.TrySetResult();
            }
        };
        var executionArn = _cloud.StartExecution("ProbeTaskMachine", """{"request":{"action":"wait-for-cancellation"}}""", "probe-stopped");
        var task = await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var processId = task.ProcessId;
        Assert.NotNull(processId);

        _cloud.Engine.StopExecution(executionArn, "Operator.Stop", "stopped by the test");

        await task.Containers.Single().Exited.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(processId!.Value));
        Assert.Equal("ABORTED", (await _cloud.WaitForExecutionAsync(executionArn)).Status);
        // The job saw SIGTERM as its cancellation and still reported: ECS's stop is graceful.
        var result = await ReadResultAsync("probe-stopped");
        Assert.True(result["result"]!["cancelledBeforeDeadline"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("""{"TaskDefinition":"probe-job","LaunchType":"FARGATE"}""", "ECS.InvalidParameterException", "Network Configuration must be provided")]
    [InlineData("""{"TaskDefinition":"nope","NetworkConfiguration":{"AwsvpcConfiguration":{"Subnets":["s"]}}}""",
        "ECS.ClientException", "Unable to describe task definition")]
    [InlineData("""{"TaskDefinition":"probe-job","LaunchType":"EC2","NetworkConfiguration":{"AwsvpcConfiguration":{"Subnets":["s"]}}}""",
        "ECS.InvalidParameterException", "supports FARGATE")]
    public async Task RunTask_WhenTheRequestIsWrong_ShouldFailAsEcsAnswers(string parameters, string error, string causePart)
    {
        var asl = new JsonObject
        {
            ["StartAt"] = "Run",
            ["States"] = new JsonObject
            {
                ["Run"] = new JsonObject
                {
                    ["Type"] = "Task", ["Resource"] = "arn:aws:states:::ecs:runTask.sync", ["Parameters"] = JsonNode.Parse(parameters), ["End"] = true,
                },
            },
        };
        var arn = _cloud.Engine.CreateStateMachine("ecs-wrong-" + Guid.NewGuid().ToString("N")[..8], asl.ToJsonString());

        var description = await _cloud.Engine.WaitForExecutionAsync(_cloud.Engine.StartExecution(arn, "{}"));

        Assert.Equal(error, description.Error);
        Assert.Contains(causePart, description.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Definition_WhenRunTaskSyncHasAnUnknownParameter_ShouldBeRefusedNamingIt()
    {
        var machine = _cloud.Stack.StateMachines.Single() with { Definition = Machine.Replace("\"LaunchType\"", "\"Launchtype\"", StringComparison.Ordinal) };

        var problems = Dispatch.DefinitionChecker.Problems(machine, _cloud.Stack, _cloud.Emulators);

        Assert.Contains(problems, p => p.Contains("Launchtype", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void RunTaskShape_WhenComparedWithTheModel_ShouldAcceptOnlyRunTaskRequestMembers()
    {
        var model = BotocoreModels.Require().RequireService("ecs");

        var declared = EmulatorModelShapeTests.Declared(EcsEmulator.RunTaskShape);

        var problems = ModelConformance.RequestProblems("ecs:runTask", declared, model.Operation("runTask")!.Input);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [SkippableFact]
    public async Task Answers_WhenComparedWithTheModel_ShouldBeRunTaskAndDescribeTasksShapes()
    {
        var model = BotocoreModels.Require().RequireService("ecs");
        var ecs = _cloud.Emulators.Get<EcsEmulator>();
        var parameters = TestCloud.Json("""
            {"Cluster":"jobs","TaskDefinition":"probe-job","Group":"g","StartedBy":"test","NetworkConfiguration":{"AwsvpcConfiguration":{"Subnets":["s"]}},
             "Overrides":{"ContainerOverrides":[{"Name":"job","Environment":[{"Name":"JOB_INPUT","Value":"{\"action\":\"echo\"}"},
               {"Name":"JOB_RESULT_BUCKET","Value":"probe-job-results"},{"Name":"JOB_RESULT_KEY","Value":"jobs/shapes.json"}]}]}}
            """);
        var context = new ServiceCallContext(TimeProvider.System, _cloud.Stack.Region, _cloud.Stack.AccountId, null, null);

        var started = await ecs.InvokeAsync("runTask", (JsonObject)parameters.DeepClone(), context, CancellationToken.None);
        var stopped = await ecs.InvokeAsync("runTask", parameters, context with { WaitForCompletion = true }, CancellationToken.None);
        await Task.WhenAll(ecs.Tasks.Values.SelectMany(t => t.Containers).Select(c => c.Exited));

        var problems = ModelConformance.ResponseProblems("ecs:runTask", started, model.Operation("runTask")!.Output).ToList();
        problems.AddRange(ModelConformance.ResponseProblems(
            "ecs:describeTasks", new JsonObject { ["Tasks"] = new JsonArray(stopped!.DeepClone()), ["Failures"] = new JsonArray() },
            model.Operation("describeTasks")!.Output));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(model.ErrorPrefix, ecs.ErrorPrefix, ignoreCase: true);
    }

    private async Task<JsonObject> ReadResultAsync(string executionName)
    {
        using var s3 = _cloud.S3!.CreateClient();
        using var response = await s3.GetObjectAsync(Bucket, $"jobs/{executionName}/probe.json");
        using var reader = new StreamReader(response.ResponseStream);
        return TestCloud.Json(await reader.ReadToEndAsync());
    }
}
