using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalEks;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>arn:aws:states:::eks:call against the recorded cluster, run by state machines of a template the test writes.</summary>
public sealed class EksEmulatorTests
{
    private const string ScalePath = "/apis/apps/v1/namespaces/production/deployments/backend/scale";

    private const string Cluster = """
        "ClusterName": "platform", "CertificateAuthority": "LS0tLS1CRUdJTg==", "Endpoint": "https://ABC.gr7.us-east-1.eks.amazonaws.com"
        """;

    [Fact]
    public async Task Get_WhenTheDeploymentIsTheSeededBackend_ShouldReturnItWithTheIntegrationsResponseShape()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, Machine("GET", "/apis/apps/v1/namespaces/production/deployments/backend"));

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        var output = TestCloud.Json(execution.Output);
        Assert.Equal(new[] { "ResponseBody", "StatusCode", "StatusText", "Headers" }, output.Select(p => p.Key).ToArray());
        Assert.Equal((200, "OK"), (output["StatusCode"]!.GetValue<int>(), output["StatusText"]!.GetValue<string>()));
        Assert.Equal("[\"application/json\"]", output["Headers"]!["Content-Type"]!.ToJsonString());
        var deployment = output["ResponseBody"]!;
        Assert.Equal(("Deployment", "backend", "production"),
            (deployment["kind"]!.GetValue<string>(), deployment["metadata"]!["name"]!.GetValue<string>(),
                deployment["metadata"]!["namespace"]!.GetValue<string>()));
        Assert.Equal(3, deployment["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(3, deployment["status"]!["readyReplicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task PutScale_WhenReplicasAreSetToZero_ShouldStoreRecordAndAnswerTheScaleWithoutSpecReplicas()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string>
        {
            ["Machine"] = Machine("PUT", ScalePath, ScaleBody(0)),
        });
        await using var cloud = TestCloud.Create(template, folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        var scale = TestCloud.Json(execution.Output)["ResponseBody"]!;
        Assert.Equal("Scale", scale["kind"]!.GetValue<string>());
        Assert.Equal("{}", scale["spec"]!.ToJsonString());
        Assert.Equal("""{"replicas":0,"selector":"app=backend"}""", scale["status"]!.ToJsonString());
        await using var restarted = TestCloud.Create(template, folder.Path + "/state");
        Assert.Equal(0, restarted.Eks.Replicas("production", "backend"));
        var deployment = restarted.Eks.Deployment("production", "backend")!;
        Assert.Equal(0, deployment["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, deployment["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal("2", scale["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.False(deployment["status"]!.AsObject().ContainsKey("readyReplicas"));
        var call = Assert.Single(restarted.Eks.Calls);
        Assert.Equal(("PUT", ScalePath, 200, "platform", "Call"), (call.Method, call.Path, call.StatusCode, call.ClusterName, call.StateName));
        Assert.Equal(cloud.Clock.GetUtcNow(), call.At);
    }

    [Fact]
    public async Task PutDeployment_WhenAnnotationsAndReplicasChangeInOneRequest_ShouldKeepTheAnnotationsWhereAScalePutDropsThem()
    {
        // Arrange: the seeded backend as GET returns it, with an annotation added and replicas 0; then a Scale carrying another.
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, Machine("GET", "/apis/apps/v1/namespaces/production/deployments/backend"));
        var deployment = cloud.Eks.Deployment("production", "backend")!.DeepClone().AsObject();
        deployment["metadata"]!["annotations"]!["dr.marketplace/original-replicas"] = "3";
        deployment["spec"]!["replicas"] = 0;
        var put = TestCloud.WriteTemplate(folder, new Dictionary<string, string>
        {
            ["PutDeployment"] = Machine("PUT", "/apis/apps/v1/namespaces/production/deployments/backend", deployment.ToJsonString()),
            ["PutScale"] = Machine("PUT", ScalePath, ScaleBody(2, """ "annotations": { "dropped": "yes" } """)),
        });
        await using var flows = TestCloud.Create(put, folder.Path + "/state");

        // Act
        var first = await flows.RunExecutionAsync("PutDeployment", "{}");
        var annotationsAfterPut = flows.Eks.Deployment("production", "backend")!["metadata"]!["annotations"]!.ToJsonString();
        var second = await flows.RunExecutionAsync("PutScale", "{}");

        // Assert
        Assert.True((first.Status, second.Status) == ("SUCCEEDED", "SUCCEEDED"), $"{first.Cause} {second.Cause}");
        Assert.Equal("""{"deployment.kubernetes.io/revision":"1","dr.marketplace/original-replicas":"3"}""", annotationsAfterPut);
        var after = flows.Eks.Deployment("production", "backend")!;
        Assert.Equal(2, flows.Eks.Replicas("production", "backend"));
        Assert.Equal(annotationsAfterPut, after["metadata"]!["annotations"]!.ToJsonString());
        Assert.Equal("3", after["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetScale_WhenTheDeploymentIsAtZeroReplicas_ShouldOmitSpecReplicasAsTheApiServerDoes()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, Machine("GET", ScalePath));
        cloud.Eks.ScaleDeployment("production", "backend", 0);

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        var scale = TestCloud.Json(execution.Output)["ResponseBody"]!;
        Assert.False(scale["spec"]!.AsObject().ContainsKey("replicas"));
        Assert.Equal(0, scale["status"]!["replicas"]!.GetValue<int>());
        Assert.Equal(("backend", "production"), (scale["metadata"]!["name"]!.GetValue<string>(), scale["metadata"]!["namespace"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PutScale_WhenTheResourceVersionIsStale_ShouldFailWithEks409AndChangeNothing()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, Machine("PUT", ScalePath, ScaleBody(5, "\"resourceVersion\": \"1\"")));
        cloud.Eks.ScaleDeployment("production", "backend", 2);

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.Equal("EKS.409", execution.Error);
        var status = TestCloud.Json(execution.Cause)["ResponseBody"]!;
        Assert.Equal(("Conflict",
            "Operation cannot be fulfilled on deployments.apps \"backend\": the object has been modified; please apply your changes to the latest version " +
            "and try again"),
            (status["reason"]!.GetValue<string>(), status["message"]!.GetValue<string>()));
        Assert.Equal(2, cloud.Eks.Replicas("production", "backend"));
    }

    [Fact]
    public async Task PutScale_WhenTheResourceVersionIsTheOneRead_ShouldApplyAndMoveTheResourceVersion()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, Machine("PUT", ScalePath, ScaleBody(5, "\"resourceVersion\": \"1\"")));

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        Assert.Equal(5, cloud.Eks.Replicas("production", "backend"));
        Assert.Equal("2", cloud.Eks.Deployment("production", "backend")!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutScale_WhenSpecHasNoReplicas_ShouldScaleToZeroAsTheOmittedFieldMeans()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, Machine("PUT", ScalePath, """{ "metadata": { "name": "backend" }, "spec": {} }"""));

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        Assert.Equal(0, cloud.Eks.Replicas("production", "backend"));
    }

    [Theory]
    [InlineData(ScalePath)]
    [InlineData("/apis/apps/v1/namespaces/production/deployments/backend")]
    [InlineData("/api/v1/namespaces/production/configmaps/backend-database")]
    public async Task Patch_WhenAFlowSendsIt_ShouldFailWithEks415BecauseItsContentTypeIsNotAPatchType(string path)
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, Machine("PATCH", path, """{ "spec": { "replicas": 0 } }"""));

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.Equal("EKS.415", execution.Error);
        var cause = TestCloud.Json(execution.Cause);
        Assert.Equal((415, "Unsupported Media Type"), (cause["StatusCode"]!.GetValue<int>(), cause["StatusText"]!.GetValue<string>()));
        Assert.Equal(("UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: " +
                      "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml"),
            (cause["ResponseBody"]!["reason"]!.GetValue<string>(), cause["ResponseBody"]!["message"]!.GetValue<string>()));
        Assert.Equal(3, cloud.Eks.Replicas("production", "backend"));
        Assert.Equal(1, cloud.Eks.Deployment("production", "backend")!["metadata"]!["generation"]!.GetValue<int>());
    }

    [Fact]
    public async Task RequestBody_WhenItIsJsonText_ShouldBeParsedAsTheIntegrationDoes()
    {
        using var folder = new TempFolder();
        await using var cloud =
            Cloud(folder, Machine("PUT", ScalePath, "\"{\\\"metadata\\\":{\\\"name\\\":\\\"backend\\\"},\\\"spec\\\":{\\\"replicas\\\":1}}\""));

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        Assert.Equal(1, cloud.Eks.Replicas("production", "backend"));
    }

    [Fact]
    public async Task Call_WhenTheDeploymentDoesNotExist_ShouldFailWithEks404AndTheStatusAsCause()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, Machine("PUT", "/apis/apps/v1/namespaces/production/deployments/frontend/scale",
            """{ "metadata": { "name": "frontend" }, "spec": { "replicas": 0 } }"""));

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.Equal("EKS.404", execution.Error);
        var cause = TestCloud.Json(execution.Cause);
        Assert.Equal((404, "Not Found"), (cause["StatusCode"]!.GetValue<int>(), cause["StatusText"]!.GetValue<string>()));
        Assert.Equal(("Status", "NotFound", "deployments.apps \"frontend\" not found", 404), (
            cause["ResponseBody"]!["kind"]!.GetValue<string>(), cause["ResponseBody"]!["reason"]!.GetValue<string>(),
            cause["ResponseBody"]!["message"]!.GetValue<string>(), cause["ResponseBody"]!["code"]!.GetValue<int>()));
        Assert.Equal(404, Assert.Single(cloud.Eks.Calls).StatusCode);
    }

    [Theory]
    [InlineData("PUT", ScalePath, """{ "metadata": { "name": "backend" }, "spec": { "replicas": -1 } }""", "EKS.422", "Invalid")]
    [InlineData("PUT", ScalePath, """{ "metadata": { "name": "backend" }, "spec": { "replicas": "two" } }""", "EKS.400", "BadRequest")]
    [InlineData("PUT", ScalePath, """{ "metadata": { "name": "other" }, "spec": { "replicas": 1 } }""", "EKS.400", "BadRequest")]
    [InlineData("PUT", ScalePath, """{ "spec": { "replicas": 1 } }""", "EKS.400", "BadRequest")]
    [InlineData("PUT", ScalePath, """{ "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "backend" } }""", "EKS.400", "BadRequest")]
    [InlineData("PUT", ScalePath, """[ { "op": "replace" } ]""", "EKS.400", "BadRequest")]
    [InlineData("PUT", "/apis/apps/v1/namespaces/production/deployments/backend",
        """{ "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": { "name": "backend" } }""", "EKS.400", "BadRequest")]
    [InlineData("DELETE", "/apis/apps/v1/namespaces/production/deployments/backend", null, "EKS.405", "MethodNotAllowed")]
    [InlineData("GET", "/api/v1/namespaces/production/pods", null, "EKS.404", "NotFound")]
    public async Task Call_WhenTheRequestIsNotOneTheClusterAccepts_ShouldFailAsTheIntegrationReportsIt(
        string method, string path, string? body, string error, string reason)
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, Machine(method, path, body));

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.Equal(error, execution.Error);
        Assert.Equal(reason, TestCloud.Json(execution.Cause)["ResponseBody"]!["reason"]!.GetValue<string>());
        Assert.Equal(3, cloud.Eks.Replicas("production", "backend"));
        Assert.Equal("backend", cloud.Eks.Deployment("production", "backend")!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Call_WhenTheMethodIsNotAnHttpMethodTheIntegrationKnows_ShouldFailWithStatesRuntime()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, Machine("FETCH", "/apis/apps/v1/namespaces/production/deployments/backend"));

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.Equal("States.Runtime", execution.Error);
        Assert.Contains("'Method' must be one of GET, POST, PUT, DELETE, HEAD, PATCH", execution.Cause, StringComparison.Ordinal);
        Assert.Empty(cloud.Eks.Calls);
    }

    [Fact]
    public async Task DryRun_WhenAllIsAsked_ShouldAnswerAsIfScaledButChangeNothing()
    {
        using var folder = new TempFolder();
        var machine = $$"""
            { "StartAt": "Call", "States": { "Call": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
              "Parameters": { {{Cluster}}, "Method": "PUT", "Path": "{{ScalePath}}",
                "QueryParameters": { "dryRun": [ "All" ] }, "RequestBody": { "metadata": { "name": "backend" }, "spec": { "replicas": 2 } } }, "End": true } } }
            """;
        await using var cloud = Cloud(folder, machine);

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.Equal(2, TestCloud.Json(execution.Output)["ResponseBody"]!["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(3, cloud.Eks.Replicas("production", "backend"));
        Assert.Equal("""{"dryRun":["All"]}""", Assert.Single(cloud.Eks.Calls).QueryParameters!.ToJsonString());
    }

    [Fact]
    public async Task Definition_WhenARequiredParameterIsMissingOrUnknown_ShouldBeRefusedBeforeItRuns()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, """
            { "StartAt": "Call", "States": { "Call": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
              "Parameters": { "ClusterName": "platform", "CertificateAuthority": "x", "Method": "GET", "Path": "/", "Namespace": "production" },
                "End": true } } }
            """);

        var refused = Assert.Throws<StackLoadException>(() => cloud.StartExecution("Machine", "{}"));

        Assert.Contains("/States/Call/Parameters: The field 'Endpoint' is required but was missing", refused.Message, StringComparison.Ordinal);
        Assert.Contains("/States/Call/Parameters: The field 'Namespace' is not supported by Step Functions", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Definition_WhenCallIsAskedOfTheSdkIntegration_ShouldBeRefused()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, $$"""
            { "StartAt": "Call", "States": { "Call": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:eks:call",
              "Parameters": { {{Cluster}}, "Method": "GET", "Path": "/" }, "End": true } } }
            """);

        var refused = Assert.Throws<StackLoadException>(() => cloud.StartExecution("Machine", "{}"));

        Assert.Contains("'arn:aws:states:::aws-sdk:eks:call' is not something the local cloud runs", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EksMergePatch_WhenThePatchHasNullsObjectsAndArrays_ShouldRemoveMergeAndReplace()
    {
        var target = JsonNode.Parse("""{"a":1,"b":{"c":2,"d":3},"e":[1,2]}""");

        var result = EksMergePatch.Apply(target, JsonNode.Parse("""{"a":null,"b":{"c":5},"e":[3],"f":"new"}"""));

        Assert.Equal("""{"b":{"c":5,"d":3},"e":[3],"f":"new"}""", result!.ToJsonString());
        Assert.Equal("""{"a":1,"b":{"c":2,"d":3},"e":[1,2]}""", target!.ToJsonString());
    }

    /// <summary>A whole autoscaling/v1 Scale for production/backend, as the flows PUT it.</summary>
    private static string ScaleBody(int replicas, string? metadataExtra = null) => $$"""
        { "apiVersion": "autoscaling/v1", "kind": "Scale",
          "metadata": { "name": "backend", "namespace": "production"{{(metadataExtra is null ? "" : ", " + metadataExtra)}} },
          "spec": { "replicas": {{replicas}} } }
        """;

    private static string Machine(string method, string path, string? body = null) => $$"""
        { "StartAt": "Call", "States": { "Call": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
          "Parameters": { {{Cluster}}, "Method": "{{method}}", "Path": "{{path}}"{{(body is null ? "" : $", \"RequestBody\": {body}")}} }, "End": true } } }
        """;

    private static LocalCloudHost Cloud(TempFolder folder, string machine) =>
        TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Machine"] = machine }), folder.Path + "/state");
}
