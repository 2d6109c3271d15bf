using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.LocalSecretsManager;


namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// A small fail-over flow on the platform emulators: stop the application, read its database secret, point it at the
/// restored database, start the application again.
/// </summary>
public sealed class EksAndSecretsFlowTests
{
    private const string Machine = """
        { "StartAt": "Stop the application", "TimeoutSeconds": 300, "States": {
          "Stop the application": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
            "Parameters": { "ClusterName": "platform", "CertificateAuthority": "LS0t", "Endpoint": "https://ABC.gr7.us-east-1.eks.amazonaws.com",
              "Method": "PUT", "Path": "/apis/apps/v1/namespaces/production/deployments/backend/scale",
              "RequestBody": { "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": { "name": "backend" }, "spec": { "replicas": 0 } } },
            "ResultSelector": { "scale.$": "$.ResponseBody" }, "ResultPath": "$.stopped", "Next": "Read the database secret" },
          "Read the database secret": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
            "Parameters": { "SecretId": "technician-marketplace/postgres" },
            "ResultSelector": { "secret.$": "States.StringToJson($.SecretString)", "versionId.$": "$.VersionId" }, "ResultPath": "$.current",
            "Next": "Point the application at the restored database" },
          "Point the application at the restored database": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:putSecretValue",
            "Parameters": { "SecretId": "technician-marketplace/postgres",
              "SecretString.$": "States.JsonToString(States.JsonMerge($.current.secret, $.restored, false))" },
            "ResultPath": "$.switched", "Next": "Start the application" },
          "Start the application": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
            "Parameters": { "ClusterName": "platform", "CertificateAuthority": "LS0t", "Endpoint": "https://ABC.gr7.us-east-1.eks.amazonaws.com",
              "Method": "PUT", "Path": "/apis/apps/v1/namespaces/production/deployments/backend/scale",
              "RequestBody": { "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": { "name": "backend" }, "spec": { "replicas": 3 } } },
            "ResultSelector": { "replicas.$": "$.ResponseBody.spec.replicas" }, "ResultPath": "$.started", "End": true } } }
        """;

    [Fact]
    public async Task FailOverFlow_WhenItRuns_ShouldScaleToZeroSwitchTheSecretAndScaleBackToThree()
    {
        using var folder = new TempFolder();
        await using var cloud =
            TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["FailOver"] = Machine }), folder.Path + "/state");
        var original = new LocalDatabaseSecret("postgres", "127.0.0.1", 54329, "postgres", "the-password", LocalDatabaseSecret.ApplicationDatabase);
        var first = cloud.SecretsManager.Store.Create(new NewSecret(LocalDatabaseSecret.SecretId) { SecretString = original.ToSecretString() });

        var execution = await cloud.RunExecutionAsync("FailOver", """{"restored": {"dbname": "technician_marketplace_restored"}}""");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        var output = TestCloud.Json(execution.Output);
        // A Scale at 0 replicas has no spec.replicas (omitempty), as the API server answers it.
        Assert.Equal("""{"replicas":0,"selector":"app=backend"}""", output["stopped"]!["scale"]!["status"]!.ToJsonString());
        Assert.Equal("{}", output["stopped"]!["scale"]!["spec"]!.ToJsonString());
        Assert.Equal(3, output["started"]!["replicas"]!.GetValue<int>());
        Assert.Equal(first.VersionId, output["current"]!["versionId"]!.GetValue<string>());
        Assert.Equal(3, cloud.Eks.Replicas("production", "backend"));
        Assert.Equal(new[] { ("Stop the application", 200), ("Start the application", 200) },
            cloud.Eks.Calls.Select(c => (c.StateName!, c.StatusCode)).ToArray());
        Assert.Equal(original with { DatabaseName = "technician_marketplace_restored" },
            LocalDatabaseSecret.TryParse(cloud.SecretsManager.Store.GetValue(LocalDatabaseSecret.SecretId).SecretString, out _));
        Assert.Equal(original, LocalDatabaseSecret.TryParse(
            cloud.SecretsManager.Store.GetValue(LocalDatabaseSecret.SecretId, versionStage: "AWSPREVIOUS").SecretString, out _));
    }
}
