using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.LocalSfn;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// ConfigMaps on the EKS emulator through arn:aws:states:::eks:call, the seeded production/backend-database, and what
/// the backend's pods read when they start.
/// </summary>
public sealed class EksConfigMapTests
{
    private const string ConfigMapPath = "/api/v1/namespaces/production/configmaps/backend-database";
    private const string ScalePath = "/apis/apps/v1/namespaces/production/deployments/backend/scale";

    private const string Cluster = """
        "ClusterName": "platform", "CertificateAuthority": "LS0tLS1CRUdJTg==", "Endpoint": "https://ABC.gr7.us-east-1.eks.amazonaws.com"
        """;

    /// <summary>A machine of one eks:call whose Method, Path, RequestBody (and QueryParameters) come from the input.</summary>
    private const string CallMachine = $$"""
        { "StartAt": "Call", "States": { "Call": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
          "Parameters": { {{Cluster}}, "Method.$": "$.method", "Path.$": "$.path", "RequestBody.$": "$.body", "QueryParameters.$": "$.query" },
          "End": true } } }
        """;

    /// <summary>
    /// The restore-database machine's switch, as statemachines/restore-database.asl.json does it: GET the ConfigMap,
    /// merge the new endpoint into its data, PUT the whole object back with the resourceVersion read.
    /// </summary>
    private const string SwitchMachine = $$"""
        { "StartAt": "Read The Database ConfigMap", "States": {
          "Read The Database ConfigMap": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
            "Parameters": { {{Cluster}}, "Method": "GET", "Path": "{{ConfigMapPath}}" },
            "ResultSelector": { "configMap.$": "$.ResponseBody" }, "ResultPath": "$.switch", "Next": "Merge The New Database Endpoint" },
          "Merge The New Database Endpoint": { "Type": "Pass",
            "Parameters": { "data.$": "States.JsonMerge($.switch.configMap.data, $.newDatabase, false)" },
            "ResultPath": "$.switch.update", "Next": "Write The New Database Endpoint" },
          "Write The New Database Endpoint": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
            "Parameters": { {{Cluster}}, "Method": "PUT", "Path": "{{ConfigMapPath}}",
              "RequestBody.$": "States.JsonMerge($.switch.configMap, $.switch.update, false)" },
            "End": true } } }
        """;

    [Fact]
    public async Task Seed_WhenServersJsonIsKnown_ShouldCreateBackendDatabaseWithTheServersEndpointAndBackendReadingIt()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, WriteServersJson(folder));

        var execution = await Call(cloud, "GET", ConfigMapPath);

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        var output = TestCloud.Json(execution.Output);
        Assert.Equal((200, "OK"), (output["StatusCode"]!.GetValue<int>(), output["StatusText"]!.GetValue<string>()));
        var configMap = output["ResponseBody"]!;
        Assert.Equal(("ConfigMap", "v1", "backend-database", "production"), (configMap["kind"]!.GetValue<string>(), configMap["apiVersion"]!.GetValue<string>(),
            configMap["metadata"]!["name"]!.GetValue<string>(), configMap["metadata"]!["namespace"]!.GetValue<string>()));
        Assert.Equal("""{"DATABASE_HOST":"127.0.0.1","DATABASE_PORT":"54321","DATABASE_NAME":"technician_marketplace"}""", configMap["data"]!.ToJsonString());
        var deployment = cloud.Eks.Deployment("production", "backend")!;
        Assert.Equal("""[{"configMapRef":{"name":"backend-database"}},{"configMapRef":{"name":"backend-redis"}}]""",
            deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["envFrom"]!.ToJsonString());
        Assert.Equal("54321", cloud.Eks.ConfigMapInUse("production", "backend", "backend-database")!["DATABASE_PORT"]);
    }

    [Fact]
    public async Task Seed_WhenNoServersJsonIsKnown_ShouldCreateNoConfigMapAndGetShouldFailWithEks404()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, null);

        var execution = await Call(cloud, "GET", ConfigMapPath);

        Assert.Equal("EKS.404", execution.Error);
        var status = TestCloud.Json(execution.Cause)["ResponseBody"]!;
        Assert.Equal(("NotFound", "configmaps \"backend-database\" not found", "configmaps"),
            (status["reason"]!.GetValue<string>(), status["message"]!.GetValue<string>(), status["details"]!["kind"]!.GetValue<string>()));
        Assert.Null(cloud.Eks.ConfigMap("production", "backend-database"));
        Assert.NotNull(cloud.Eks.PodConfiguration("production", "backend"));
        Assert.Null(cloud.Eks.ConfigMapInUse("production", "backend", "backend-database"));
    }

    [Fact]
    public async Task GetThenPut_WhenTheRestoreFlowSwitchesTheDatabase_ShouldMergeTheDataPersistItAndRecordTheCalls()
    {
        using var folder = new TempFolder();
        var serversJson = WriteServersJson(folder);
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Switch"] = SwitchMachine, ["Machine"] = CallMachine });
        await using var cloud = TestCloud.Create(template, folder.Path + "/state");
        PlatformEmulators.SeedPlatform(cloud.Eks, cloud.SecretsManager.Store, serversJson);
        var before = cloud.Eks.ConfigMap("production", "backend-database")!;

        var execution = await cloud.RunExecutionAsync("Switch",
            """{"newDatabase": {"DATABASE_HOST": "127.0.0.1", "DATABASE_PORT": "40123", "DATABASE_NAME": "technician_marketplace"}}""");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        await using var restarted = TestCloud.Create(template, folder.Path + "/state");
        PlatformEmulators.SeedPlatform(restarted.Eks, restarted.SecretsManager.Store, serversJson);
        var after = restarted.Eks.ConfigMap("production", "backend-database")!;
        Assert.Equal("""{"DATABASE_HOST":"127.0.0.1","DATABASE_PORT":"40123","DATABASE_NAME":"technician_marketplace"}""", after["data"]!.ToJsonString());
        Assert.Equal(("1", "2"), (before["metadata"]!["resourceVersion"]!.GetValue<string>(), after["metadata"]!["resourceVersion"]!.GetValue<string>()));
        Assert.Equal(before["metadata"]!["uid"]!.GetValue<string>(), after["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal([("GET", 200, "Read The Database ConfigMap"), ("PUT", 200, "Write The New Database Endpoint")],
            restarted.Eks.Calls.Select(c => (c.Method, c.StatusCode, c.StateName!)).ToArray());
        var put = restarted.Eks.Calls[1].RequestBody!;
        Assert.Equal(("1", "backend-database"), (put["metadata"]!["resourceVersion"]!.GetValue<string>(), put["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Put_WhenTheBodyIsJsonText_ShouldParseItAndReplaceTheData()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, WriteServersJson(folder));

        var execution = await Call(cloud, "PUT", ConfigMapPath, JsonValue.Create("""{"metadata":{"name":"backend-database"},"data":{"POOL_SIZE":"20"}}"""));

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        Assert.Equal(new Dictionary<string, string> { ["POOL_SIZE"] = "20" }, cloud.Eks.ConfigMapData("production", "backend-database"));
    }

    [Fact]
    public async Task Get_WhenTheConfigMapHasNoData_ShouldOmitTheDataMemberAsTheApiServerDoes()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, null);
        cloud.Eks.EnsureConfigMap("production", "empty", new Dictionary<string, string>());
        var put = await Call(cloud, "PUT", "/api/v1/namespaces/production/configmaps/empty", JsonNode.Parse("""{"metadata":{"name":"empty"},"data":{}}"""));

        var execution = await Call(cloud, "GET", "/api/v1/namespaces/production/configmaps/empty");

        Assert.True(put.Status == "SUCCEEDED", put.Cause);
        var configMap = TestCloud.Json(execution.Output)["ResponseBody"]!.AsObject();
        Assert.False(configMap.ContainsKey("data"));
        Assert.False(TestCloud.Json(put.Output)["ResponseBody"]!.AsObject().ContainsKey("data"));
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"backend-database"},"data":{"DATABASE_PORT":5432}}""", "EKS.400", "BadRequest",
        "cannot unmarshal number into Go struct field ConfigMap.data of type string")]
    [InlineData("""{"metadata":{"name":"backend-database"},"data":{"DATABASE HOST":"db"}}""", "EKS.422", "Invalid",
        "data[DATABASE HOST]: Invalid value: \"DATABASE HOST\": a valid config key")]
    [InlineData("""{"metadata":{"name":"other"}}""", "EKS.400", "BadRequest", "does not match the name on the URL")]
    [InlineData("""{"data":{"DATABASE_NAME":"x"}}""", "EKS.400", "BadRequest", "does not match the name on the URL")]
    [InlineData("""{"metadata":{"name":"backend-database","resourceVersion":"7"},"data":{"DATABASE_NAME":"x"}}""", "EKS.409", "Conflict",
        "the object has been modified")]
    [InlineData("""[{"op":"replace","path":"/data/DATABASE_NAME","value":"x"}]""", "EKS.400", "BadRequest", "must be the whole ConfigMap")]
    public async Task Put_WhenTheApiServerWouldRefuseIt_ShouldFailAsTheIntegrationReportsItAndChangeNothing(
        string body, string error, string reason, string message)
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, WriteServersJson(folder));

        var execution = await Call(cloud, "PUT", ConfigMapPath, JsonNode.Parse(body));

        Assert.Equal(error, execution.Error);
        var status = TestCloud.Json(execution.Cause)["ResponseBody"]!;
        Assert.Equal(reason, status["reason"]!.GetValue<string>());
        Assert.Contains(message, status["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("technician_marketplace", cloud.Eks.ConfigMapData("production", "backend-database")!["DATABASE_NAME"]);
        Assert.Equal("1", cloud.Eks.ConfigMap("production", "backend-database")!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(int.Parse(error[4..], System.Globalization.CultureInfo.InvariantCulture), Assert.Single(cloud.Eks.Calls).StatusCode);
    }

    [Fact]
    public async Task Put_WhenTheResourceVersionIsTheCurrentOne_ShouldApply()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, WriteServersJson(folder));

        var execution = await Call(cloud, "PUT", ConfigMapPath,
            JsonNode.Parse("""{"metadata":{"name":"backend-database","resourceVersion":"1"},"data":{"DATABASE_NAME":"restored"}}"""));

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        Assert.Equal("restored", cloud.Eks.ConfigMapData("production", "backend-database")!["DATABASE_NAME"]);
    }

    [Fact]
    public async Task PostThenGetList_WhenTheConfigMapIsNew_ShouldCreateItWith201AndListItAndRefuseASecondCreateWith409()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, null);
        var body = JsonNode.Parse(
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"feature-flags","labels":{"app":"backend"}},"data":{"NEW_BOOKING_FLOW":"on"}}""");

        var created = await Call(cloud, "POST", "/api/v1/namespaces/production/configmaps", body);
        var again = await Call(cloud, "POST", "/api/v1/namespaces/production/configmaps", body, name: "again");
        var list = await Call(cloud, "GET", "/api/v1/namespaces/production/configmaps", name: "list");
        var otherNamespace = await Call(cloud, "GET", "/api/v1/namespaces/staging/configmaps", name: "staging");

        Assert.True(created.Status == "SUCCEEDED", created.Cause);
        var output = TestCloud.Json(created.Output);
        Assert.Equal((201, "Created"), (output["StatusCode"]!.GetValue<int>(), output["StatusText"]!.GetValue<string>()));
        Assert.Equal(("production", "1", "backend"), (output["ResponseBody"]!["metadata"]!["namespace"]!.GetValue<string>(),
            output["ResponseBody"]!["metadata"]!["resourceVersion"]!.GetValue<string>(),
                output["ResponseBody"]!["metadata"]!["labels"]!["app"]!.GetValue<string>()));
        Assert.Equal("EKS.409", again.Error);
        Assert.Equal(("AlreadyExists", "configmaps \"feature-flags\" already exists"), (
            TestCloud.Json(again.Cause)["ResponseBody"]!["reason"]!.GetValue<string>(),
                TestCloud.Json(again.Cause)["ResponseBody"]!["message"]!.GetValue<string>()));
        var listBody = TestCloud.Json(list.Output)["ResponseBody"]!;
        Assert.Equal("ConfigMapList", listBody["kind"]!.GetValue<string>());
        var item = Assert.Single(listBody["items"]!.AsArray())!;
        Assert.Equal(("feature-flags", "on"), (item["metadata"]!["name"]!.GetValue<string>(), item["data"]!["NEW_BOOKING_FLOW"]!.GetValue<string>()));
        Assert.Empty(TestCloud.Json(otherNamespace.Output)["ResponseBody"]!["items"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"Not_A_Name"}}""", "EKS.422", "metadata.name: Invalid value")]
    [InlineData("""{"data":{"A":"b"}}""", "EKS.422", "metadata.name: Required value")]
    [InlineData("""{"metadata":{"name":"x","namespace":"staging"}}""", "EKS.400", "does not match the namespace sent on the request")]
    [InlineData("""{"kind":"Secret","metadata":{"name":"x"}}""", "EKS.400", "does not match the expected kind (ConfigMap)")]
    public async Task Post_WhenTheObjectIsNotAConfigMapTheApiServerAccepts_ShouldFailAndCreateNothing(string body, string error, string message)
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, null);

        var execution = await Call(cloud, "POST", "/api/v1/namespaces/production/configmaps", JsonNode.Parse(body));

        Assert.Equal(error, execution.Error);
        Assert.Contains(message, TestCloud.Json(execution.Cause)["ResponseBody"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(cloud.Eks.ConfigMap("production", "x"));
    }

    [Fact]
    public async Task Put_WhenTheWholeObjectIsGiven_ShouldReplaceItsDataAndRefuseAStaleResourceVersionAndAMissingConfigMap()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, WriteServersJson(folder));
        var replacement = JsonNode.Parse(
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"backend-database","resourceVersion":"1"},"data":{"DATABASE_NAME":"restored"}}""");

        var replaced = await Call(cloud, "PUT", ConfigMapPath, replacement);
        var stale = await Call(cloud, "PUT", ConfigMapPath, replacement, name: "stale");
        var missing = await Call(cloud, "PUT", "/api/v1/namespaces/production/configmaps/nothing-here",
            JsonNode.Parse("""{"metadata":{"name":"nothing-here"},"data":{}}"""), name: "missing");

        Assert.True(replaced.Status == "SUCCEEDED", replaced.Cause);
        Assert.Equal(new Dictionary<string, string> { ["DATABASE_NAME"] = "restored" }, cloud.Eks.ConfigMapData("production", "backend-database"));
        Assert.Equal("2", cloud.Eks.ConfigMap("production", "backend-database")!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("EKS.409", stale.Error);
        Assert.Equal("EKS.404", missing.Error);
        Assert.Null(cloud.Eks.ConfigMap("production", "nothing-here"));
    }

    [Fact]
    public async Task Put_WhenTheConfigMapIsImmutable_ShouldRefuseToChangeItsDataWith422()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, null);
        var made = await Call(cloud, "POST", "/api/v1/namespaces/production/configmaps",
            JsonNode.Parse("""{"metadata":{"name":"pinned"},"immutable":true,"data":{"A":"1"}}"""));

        var changed = await Call(cloud, "PUT", "/api/v1/namespaces/production/configmaps/pinned",
            JsonNode.Parse("""{"metadata":{"name":"pinned"},"immutable":true,"data":{"A":"2"}}"""), name: "change");

        Assert.True(made.Status == "SUCCEEDED", made.Cause);
        Assert.Equal("EKS.422", changed.Error);
        Assert.Contains("data: Forbidden: field is immutable when `immutable` is set",
            TestCloud.Json(changed.Cause)["ResponseBody"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("1", cloud.Eks.ConfigMapData("production", "pinned")!["A"]);
    }

    [Fact]
    public async Task DryRun_WhenAllIsAsked_ShouldAnswerTheReplacedConfigMapButChangeNothing()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, WriteServersJson(folder));

        var execution =
            await Call(cloud, "PUT", ConfigMapPath, JsonNode.Parse("""{"metadata":{"name":"backend-database"},"data":{"DATABASE_NAME":"restored"}}"""),
            query: new JsonObject { ["dryRun"] = new JsonArray("All") });

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        Assert.Equal("restored", TestCloud.Json(execution.Output)["ResponseBody"]!["data"]!["DATABASE_NAME"]!.GetValue<string>());
        Assert.Equal("technician_marketplace", cloud.Eks.ConfigMapData("production", "backend-database")!["DATABASE_NAME"]);
    }

    [Theory]
    [InlineData("DELETE", ConfigMapPath)]
    [InlineData("PATCH", "/api/v1/namespaces/production/configmaps")]
    public async Task Call_WhenTheMethodIsNotServedOnThatPath_ShouldFailWithEks405(string method, string path)
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, WriteServersJson(folder));

        var execution = await Call(cloud, method, path, JsonNode.Parse("{}"));

        Assert.Equal("EKS.405", execution.Error);
        Assert.NotNull(cloud.Eks.ConfigMap("production", "backend-database"));
    }

    [Fact]
    public async Task Pods_WhenTheConfigMapChanges_ShouldKeepWhatTheyReadUntilScaledToZeroAndBackUp()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, WriteServersJson(folder));

        await Succeed(cloud, "PUT", ConfigMapPath, """{"metadata":{"name":"backend-database"},"data":{"DATABASE_NAME":"restored"}}""");
        var afterPatch = cloud.Eks.ConfigMapInUse("production", "backend", "backend-database")!["DATABASE_NAME"];
        await Succeed(cloud, "PUT", ScalePath, """{"metadata":{"name":"backend"},"spec":{"replicas":5}}""");
        var afterScaleUp = cloud.Eks.ConfigMapInUse("production", "backend", "backend-database")!["DATABASE_NAME"];
        await Succeed(cloud, "PUT", ScalePath, """{"metadata":{"name":"backend"},"spec":{"replicas":0}}""");
        var stopped = cloud.Eks.PodConfiguration("production", "backend");
        await Succeed(cloud, "PUT", ScalePath, """{"metadata":{"name":"backend"},"spec":{"replicas":3}}""");
        var restarted = cloud.Eks.PodConfiguration("production", "backend")!;

        Assert.Equal(("technician_marketplace", "technician_marketplace"), (afterPatch, afterScaleUp));
        Assert.Null(stopped);
        Assert.Equal("restored", restarted.ConfigMaps["backend-database"]["DATABASE_NAME"]);
        Assert.Equal(cloud.Clock.GetUtcNow(), restarted.StartedAt);
    }

    [Fact]
    public async Task Pods_WhenThePodTemplateIsPatchedAsRolloutRestartDoes_ShouldStartAgainAndReadTheConfigMap()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, WriteServersJson(folder));
        await Succeed(cloud, "PUT", ConfigMapPath, """{"metadata":{"name":"backend-database"},"data":{"DATABASE_NAME":"restored"}}""");

        cloud.Eks.RestartDeployment("production", "backend");

        var pods = cloud.Eks.PodConfiguration("production", "backend")!;
        Assert.Equal("restored", pods.ConfigMaps["backend-database"]["DATABASE_NAME"]);
        Assert.Equal(2, pods.Generation);
    }

    [Fact]
    public async Task Pods_WhenTheConfigMapTheyReferenceIsCreatedAfterThemByPost_ShouldReadIt()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, null);
        var waiting = cloud.Eks.ConfigMapInUse("production", "backend", "backend-database");

        await Succeed(cloud, "POST", "/api/v1/namespaces/production/configmaps",
            """
            {"metadata":{"name":"backend-database"},
             "data":{"DATABASE_HOST":"db.internal","DATABASE_PORT":"5432","DATABASE_NAME":"technician_marketplace"}}
            """);
        await Succeed(cloud, "PUT", ConfigMapPath, """{"metadata":{"name":"backend-database"},"data":{"DATABASE_HOST":"later.internal"}}""");

        Assert.Null(waiting);
        Assert.Equal("db.internal", cloud.Eks.ConfigMapInUse("production", "backend", "backend-database")!["DATABASE_HOST"]);
    }

    [Fact]
    public void EnsureConfigMap_WhenTheConfigMapExists_ShouldLeaveItAlone()
    {
        using var folder = new TempFolder();
        var eks = new DisasterRecovery.LocalEks.EksEmulator(Path.Combine(folder.Path, "eks.json"), TimeProvider.System);

        var first = eks.EnsureConfigMap("production", "settings", new Dictionary<string, string> { ["A"] = "1" });
        var second = eks.EnsureConfigMap("production", "settings", new Dictionary<string, string> { ["A"] = "2" });
        var bad = Assert.Throws<ArgumentException>(() => eks.EnsureConfigMap("production", "other", new Dictionary<string, string> { ["not a key"] = "x" }));

        Assert.True(first);
        Assert.False(second);
        Assert.Equal("1", eks.ConfigMapData("production", "settings")!["A"]);
        Assert.Contains("a valid config key", bad.Message, StringComparison.Ordinal);
        Assert.Null(eks.ConfigMap("production", "other"));
    }

    [Fact]
    public async Task DirectApi_WhenAFixtureAppliesAConfigMapAndRestartsTheBackend_ShouldActAsKubectlWithoutRecordingCalls()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, WriteServersJson(folder));
        var eks = cloud.Eks;

        var applied = eks.ApplyConfigMap("production", "backend-database", new Dictionary<string, string> { ["DATABASE_NAME"] = "fixture_db" });
        var beforeRestart = eks.ConfigMapInUse("production", "backend", "backend-database")!["DATABASE_NAME"];
        eks.RestartDeployment("production", "backend");
        var afterRestart = eks.ConfigMapInUse("production", "backend", "backend-database")!;
        eks.ScaleDeployment("production", "backend", 0);
        var stopped = eks.PodConfiguration("production", "backend");
        eks.ScaleDeployment("production", "backend", 2);
        var unknown = Assert.Throws<InvalidOperationException>(() => eks.ScaleDeployment("production", "frontend", 1));
        var created = eks.ApplyConfigMap("production", "brand-new", new Dictionary<string, string> { ["A"] = "1" });

        Assert.Equal(("2", "fixture_db"), (applied["metadata"]!["resourceVersion"]!.GetValue<string>(), applied["data"]!["DATABASE_NAME"]!.GetValue<string>()));
        Assert.Equal(new Dictionary<string, string> { ["DATABASE_NAME"] = "fixture_db" }, eks.ConfigMapData("production", "backend-database"));
        Assert.Equal("technician_marketplace", beforeRestart);
        Assert.Equal(new Dictionary<string, string> { ["DATABASE_NAME"] = "fixture_db" }, afterRestart);
        Assert.Null(stopped);
        Assert.Equal(2, eks.Replicas("production", "backend"));
        Assert.Equal("fixture_db", eks.ConfigMapInUse("production", "backend", "backend-database")!["DATABASE_NAME"]);
        Assert.Contains("deployments.apps \"frontend\" not found", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("1", created["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Empty(eks.Calls);
    }

    private static async Task Succeed(LocalCloudHost cloud, string method, string path, string body)
    {
        var execution = await Call(cloud, method, path, JsonNode.Parse(body));
        Assert.True(execution.Status == "SUCCEEDED", $"{method} {path}: {execution.Error}: {execution.Cause}");
    }

    private static Task<ExecutionDocument> Call(LocalCloudHost cloud, string method, string path, JsonNode? body = null,
        JsonObject? query = null, string? name = null)
    {
        var input = new JsonObject { ["method"] = method, ["path"] = path, ["body"] = body?.DeepClone(), ["query"] = query ?? new JsonObject() };
        return cloud.RunExecutionAsync("Machine", input.ToJsonString(), name ?? Guid.NewGuid().ToString("N"));
    }

    /// <summary>A local cloud whose state folder sits beside <paramref name="serversJson"/> (or beside none).</summary>
    private static LocalCloudHost Cloud(TempFolder folder, string? serversJson)
    {
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Machine"] = CallMachine });
        return TestCloud.Create(template, Path.Combine(serversJson is null ? folder.Path : Path.GetDirectoryName(serversJson)!, "cloud"));
    }

    /// <summary>A servers.json as local/servers writes it, for a cluster on port 54321 (nothing needs to listen there).</summary>
    private static string WriteServersJson(TempFolder folder)
    {
        var pgPassword = folder.Write("servers/postgres-superuser-password", "pw-from-the-password-file\n");
        var redisPassword = folder.Write("servers/redis-password", "redis-pw\n");
        return folder.Write("servers/servers.json", $$"""
            { "postgres": { "host": "127.0.0.1", "port": 54321, "user": "postgres", "passwordFile": "{{pgPassword}}" },
              "redis": { "host": "127.0.0.1", "port": 63791, "passwordFile": "{{redisPassword}}" } }
            """);
    }
}
