namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>The dispatcher's fault injection: a named Task state fails once with the error asked for, then runs normally.</summary>
public sealed class TaskFaultsTests
{
    private const string Machine = """
        { "StartAt": "Read The Deployment", "States": {
          "Read The Deployment": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
            "Parameters": { "ClusterName": "platform", "CertificateAuthority": "LS0tLS1CRUdJTg==", "Endpoint": "https://ABC.gr7.us-east-1.eks.amazonaws.com",
              "Method": "GET", "Path": "/apis/apps/v1/namespaces/production/deployments/backend" },
            "Retry": [ { "ErrorEquals": [ "EKS.500" ], "MaxAttempts": 2 } ],
            "Catch": [ { "ErrorEquals": [ "States.ALL" ], "Next": "Failed" } ], "End": true },
          "Failed": { "Type": "Fail", "ErrorPath": "$.Error", "CausePath": "$.Cause" } } }
        """;

    [Fact]
    public async Task FailOnce_WhenTheStateRuns_ShouldFailItOnceWithTheErrorAndThenLetItRun()
    {
        // Arrange
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Machine"] = Machine });
        await using var cloud = TestCloud.Create(template, folder.Path + "/state");
        cloud.Dispatcher.Faults.FailOnce("Read The Deployment", "Injected.Failure", "the test says so");

        // Act
        var failed = await cloud.RunExecutionAsync("Machine", "{}");
        var again = await cloud.RunExecutionAsync("Machine", "{}");

        // Assert: the Catch took the injected error, the resource was not called; the next run called it.
        Assert.Equal(("FAILED", "Injected.Failure", "the test says so"), (failed.Status, failed.Error, failed.Cause));
        Assert.Equal("SUCCEEDED", again.Status);
        var fired = Assert.Single(cloud.Dispatcher.Faults.Fired);
        Assert.Equal(("Read The Deployment", failed.ExecutionArn), (fired.StateName, fired.ExecutionArn));
        Assert.Empty(cloud.Dispatcher.Faults.Pending());
        Assert.Equal(again.ExecutionArn, Assert.Single(cloud.Eks.Calls).ExecutionArn);
    }

    [Fact]
    public void FailOnce_WhenTheStateNameIsEmpty_ShouldRefuseNamingTheArgument()
    {
        var faults = new DisasterRecovery.LocalCloud.Dispatch.TaskFaults();

        var error = Assert.Throws<ArgumentException>(() => faults.FailOnce(" ", "Injected.Failure"));

        Assert.Equal("stateName", error.ParamName);
        Assert.Empty(faults.Pending());
    }
}
