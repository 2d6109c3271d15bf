using DisasterRecovery.TestSupport;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>The repository's service-health machine, as template.yaml wires it, with the real HealthCheck function in-process.</summary>
public sealed class ServiceHealthFlowTests
{
    [Fact]
    public async Task ServiceHealthMachine_WhenEndpointIsHealthy_ShouldSucceedWithoutAlerting()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) => http.Response.WriteAsync("""{"status":"ok"}"""));
        using var folder = new TempFolder();
        var cloud = TestCloud.Create(TestCloud.RepositoryTemplate, folder.Path);

        var execution = await cloud.RunExecutionAsync("ServiceHealthStateMachine",
            $$"""{"url": "{{endpoint.BaseUrl}}health", "expectedStatus": 200, "expectedBodyContains": "\"status\":\"ok\""}""");

        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Error}: {execution.Cause}");
        var health = TestCloud.Json(execution.Output)["health"]!;
        Assert.True(health["healthy"]!.GetValue<bool>());
        Assert.Equal(200, health["status"]!.GetValue<int>());
        Assert.Equal(1, endpoint.Requests);
        Assert.Empty(cloud.Sns.Messages);
    }

    [Fact]
    public async Task ServiceHealthMachine_WhenEndpointIsUnhealthy_ShouldRecordTheAlertAndFailWithServiceUnhealthy()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) =>
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return http.Response.WriteAsync("""{"status":"down"}""");
        });
        using var folder = new TempFolder();
        var cloud = TestCloud.Create(TestCloud.RepositoryTemplate, folder.Path);

        var execution = await cloud.RunExecutionAsync("ServiceHealthStateMachine",
            $$"""{"url": "{{endpoint.BaseUrl}}health", "maxAttempts": 2, "backoffSeconds": 0.05}""");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("ServiceUnhealthy", execution.Error);
        Assert.Contains("answered 503 after 2 attempt(s)", execution.Cause, StringComparison.Ordinal);
        var message = Assert.Single(cloud.Sns.Messages);
        Assert.Equal(cloud.Stack.Topics.Single().Arn, message.TopicArn);
        Assert.Equal("DR: service unhealthy", message.Subject);
        Assert.Equal($"{endpoint.BaseUrl}health failed its health check after 2 attempt(s): expected status 200, got 503", message.Message);
        Assert.Equal(execution.ExecutionArn, message.ExecutionArn);
    }

    [Fact]
    public async Task Sns_WhenTheLocalCloudRestarts_ShouldStillHaveThePublishedMessagesAndExecutions()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) =>
        {
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        using var folder = new TempFolder();
        var first = TestCloud.Create(TestCloud.RepositoryTemplate, folder.Path);
        var execution = await first.RunExecutionAsync("ServiceHealthStateMachine", $$"""{"url": "{{endpoint.BaseUrl}}", "maxAttempts": 1}""", "before-restart");

        var restarted = TestCloud.Create(TestCloud.RepositoryTemplate, folder.Path);

        Assert.Equal("DR: service unhealthy", Assert.Single(restarted.Sns.Messages).Subject);
        var recorded = restarted.Executions.Find(execution.ExecutionArn);
        Assert.NotNull(recorded);
        Assert.Equal(("FAILED", "ServiceUnhealthy"), (recorded.Status, recorded.Error));
        var duplicate = Assert.Throws<LocalCloudException>(() => restarted.StartExecution("ServiceHealthStateMachine", "{}", "before-restart"));
        Assert.StartsWith("ExecutionAlreadyExists", duplicate.Message, StringComparison.Ordinal);
    }
}
