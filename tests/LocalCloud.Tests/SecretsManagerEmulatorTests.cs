using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalSecretsManager;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>aws-sdk:secretsmanager tasks against the emulator, run by state machines of a template the test writes.</summary>
public sealed class SecretsManagerEmulatorTests
{
    private const string Token1 = "11111111-2222-3333-4444-555555555555";

    [Fact]
    public async Task CreateThenGet_WhenTheSecretHasAStringValue_ShouldReturnGetSecretValuesMembers()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, """
            { "StartAt": "Create", "States": {
              "Create": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:createSecret",
                "Parameters": { "Name": "app/db", "SecretString.$": "$.value", "Description": "test" }, "ResultPath": "$.created", "Next": "Get" },
              "Get": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
                "Parameters": { "SecretId": "app/db" }, "ResultPath": "$.read", "End": true } } }
            """);

        var execution = await cloud.RunExecutionAsync("Machine", """{"value": "{\"password\":\"s3cret\"}"}""");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        var output = TestCloud.Json(execution.Output);
        var created = output["created"]!.AsObject();
        Assert.Equal(new[] { "Arn", "Name", "VersionId" }, created.Select(p => p.Key).ToArray());
        Assert.Matches("^arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-[A-Za-z0-9]{6}$", created["Arn"]!.GetValue<string>());
        var read = output["read"]!.AsObject();
        Assert.Equal(new[] { "Arn", "CreatedDate", "Name", "SecretString", "VersionId", "VersionStages" }, read.Select(p => p.Key).ToArray());
        Assert.Equal(created["Arn"]!.GetValue<string>(), read["Arn"]!.GetValue<string>());
        Assert.Equal("""{"password":"s3cret"}""", read["SecretString"]!.GetValue<string>());
        Assert.Equal(created["VersionId"]!.GetValue<string>(), read["VersionId"]!.GetValue<string>());
        Assert.Equal("[\"AWSCURRENT\"]", read["VersionStages"]!.ToJsonString());
    }

    [Fact]
    public async Task GetSecretValue_WhenTheSecretDoesNotExist_ShouldFailWithSecretsManagerResourceNotFoundException()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, """
            { "StartAt": "Get", "States": { "Get": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
              "Parameters": { "SecretId": "nowhere" }, "End": true } } }
            """);

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.Equal("SecretsManager.ResourceNotFoundException", execution.Error);
        Assert.StartsWith("Secrets Manager can't find the specified secret. (Service: SecretsManager, Status Code: 400", execution.Cause,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSecret_WhenTheNameIsTaken_ShouldFailWithResourceExistsException()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, """
            { "StartAt": "Create", "States": { "Create": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:createSecret",
              "Parameters": { "Name": "taken", "SecretString": "second" }, "End": true } } }
            """);
        cloud.SecretsManager.Store.Create(new NewSecret("taken") { SecretString = "first" });

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.Equal("SecretsManager.ResourceExistsException", execution.Error);
        Assert.Contains("the secret taken already exists", execution.Cause, StringComparison.Ordinal);
        Assert.Equal("first", cloud.SecretsManager.Store.GetValue("taken").SecretString);
    }

    [Theory]
    [InlineData("""{ "Name": "both", "SecretString": "a", "SecretBinary": "YQ==" }""", "SecretsManager.InvalidParameterException",
        "both a binary secret value and a string")]
    [InlineData("""{ "Name": "bad name with spaces", "SecretString": "a" }""", "SecretsManager.InvalidParameterException", "Invalid name")]
    [InlineData("""{ "Name": "binary", "SecretBinary": "not base64!" }""", "SecretsManager.InvalidParameterException", "base64")]
    [InlineData("""{ "Name": "token", "SecretString": "a", "ClientRequestToken": "short" }""", "SecretsManager.InvalidParameterException", "32 to 64")]
    public async Task CreateSecret_WhenTheRequestBreaksARule_ShouldFailWithTheServicesError(string parameters, string error, string causePart)
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, $$"""
            { "StartAt": "Create", "States": { "Create": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:createSecret",
              "Parameters": {{parameters}}, "End": true } } }
            """);

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.Equal(error, execution.Error);
        Assert.Contains(causePart, execution.Cause, StringComparison.Ordinal);
        Assert.Empty(cloud.SecretsManager.Store.Names);
    }

    [Fact]
    public async Task PutSecretValue_WhenANewValueIsPut_ShouldMakeItCurrentAndTheOldOnePrevious()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, """
            { "StartAt": "Put", "States": {
              "Put": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:putSecretValue",
                "Parameters": { "SecretId": "app/db", "SecretString": "v2" }, "ResultPath": "$.put", "Next": "Current" },
              "Current": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
                "Parameters": { "SecretId.$": "$.put.Arn" }, "ResultSelector": { "value.$": "$.SecretString" }, "ResultPath": "$.current", "Next": "Previous" },
              "Previous": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
                "Parameters": { "SecretId": "app/db", "VersionStage": "AWSPREVIOUS" }, "ResultSelector": { "value.$": "$.SecretString", "id.$": "$.VersionId" },
                "ResultPath": "$.previous", "Next": "Describe" },
              "Describe": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:describeSecret",
                "Parameters": { "SecretId": "app/db" }, "ResultPath": "$.described", "End": true } } }
            """);
        var first = cloud.SecretsManager.Store.Create(new NewSecret("app/db") { SecretString = "v1", Description = "the app's database" });

        var execution = await cloud.RunExecutionAsync("Machine", "{}");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        var output = TestCloud.Json(execution.Output);
        Assert.Equal(new[] { "Arn", "Name", "VersionId", "VersionStages" }, output["put"]!.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal("[\"AWSCURRENT\"]", output["put"]!["VersionStages"]!.ToJsonString());
        Assert.Equal("v2", output["current"]!["value"]!.GetValue<string>());
        Assert.Equal(("v1", first.VersionId), (output["previous"]!["value"]!.GetValue<string>(), output["previous"]!["id"]!.GetValue<string>()));
        var described = output["described"]!.AsObject();
        Assert.Equal("the app's database", described["Description"]!.GetValue<string>());
        Assert.False(described.ContainsKey("SecretString"));
        var stages = described["VersionIdsToStages"]!.AsObject();
        Assert.Equal("[\"AWSPREVIOUS\"]", stages[first.VersionId!]!.ToJsonString());
        Assert.Equal("[\"AWSCURRENT\"]", stages[output["put"]!["VersionId"]!.GetValue<string>()]!.ToJsonString());
    }

    [Fact]
    public void PutValue_WhenTheClientRequestTokenRepeats_ShouldChangeNothingForTheSameValueAndRefuseAnother()
    {
        using var folder = new TempFolder();
        var store = Store(folder);
        store.Create(new NewSecret("app/db") { SecretString = "v1" });

        var first = store.PutValue("app/db", new SecretValueUpdate { SecretString = "v2", ClientRequestToken = Token1 });
        var again = store.PutValue("app/db", new SecretValueUpdate { SecretString = "v2", ClientRequestToken = Token1 });
        var conflict =
            Assert.Throws<ServiceErrorException>(() => store.PutValue("app/db", new SecretValueUpdate { SecretString = "v3", ClientRequestToken = Token1 }));

        Assert.Equal(Token1, first.VersionId);
        Assert.Equal(first.VersionId, again.VersionId);
        Assert.Equal("ResourceExistsException", conflict.Code);
        Assert.Equal(2, store.Describe("app/db").VersionIdsToStages.Count);
        Assert.Equal("v2", store.GetValue("app/db").SecretString);
        Assert.DoesNotContain("v3", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PutValue_WhenTheRequestHasNoValueOrNamesNoSecret_ShouldFailWithTheServicesErrors()
    {
        using var folder = new TempFolder();
        var store = Store(folder);
        store.Create(new NewSecret("empty"));

        var noValue = Assert.Throws<ServiceErrorException>(() => store.PutValue("empty", new SecretValueUpdate()));
        var noSecret = Assert.Throws<ServiceErrorException>(() => store.PutValue("nowhere", new SecretValueUpdate { SecretString = "x" }));
        var noCurrent = Assert.Throws<ServiceErrorException>(() => store.GetValue("empty"));
        var noVersion = Assert.Throws<ServiceErrorException>(() => store.GetValue("empty", versionId: Token1));

        Assert.Equal(("InvalidRequestException", "ResourceNotFoundException"), (noValue.Code, noSecret.Code));
        Assert.Equal("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT", noCurrent.Message);
        Assert.Equal($"Secrets Manager can't find the specified secret value for VersionId: {Token1}", noVersion.Message);
    }

    [Fact]
    public void PutValue_WhenStagesAreGiven_ShouldLabelOnlyThoseAndKeepTheCurrentValue()
    {
        using var folder = new TempFolder();
        var store = Store(folder);
        store.Create(new NewSecret("app/db") { SecretString = "v1" });

        var pending = store.PutValue("app/db", new SecretValueUpdate { SecretString = "v2", VersionStages = ["AWSPENDING"] });

        Assert.Equal("v1", store.GetValue("app/db").SecretString);
        Assert.Equal("v2", store.GetValue("app/db", versionStage: "AWSPENDING").SecretString);
        Assert.Equal("v2", store.GetValue(store.Describe("app/db").Arn, versionId: pending.VersionId).SecretString);
    }

    [Fact]
    public async Task Definition_WhenAParameterIsNotOneOfTheApis_ShouldBeRefusedBeforeItRuns()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, """
            { "StartAt": "Get", "States": { "Get": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
              "Parameters": { "SecretName": "app/db" }, "End": true } } }
            """);

        var refused = Assert.Throws<StackLoadException>(() => cloud.StartExecution("Machine", "{}"));

        Assert.Contains("The field 'SecretName' is not supported by Step Functions", refused.Message, StringComparison.Ordinal);
        Assert.Contains("The field 'SecretId' is required but was missing", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parameters_WhenADynamicValueHasTheWrongType_ShouldFailWithStatesRuntime()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder, """
            { "StartAt": "Get", "States": { "Get": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
              "Parameters": { "SecretId.$": "$.id" }, "End": true } } }
            """);

        var execution = await cloud.RunExecutionAsync("Machine", """{"id": 42}""");

        Assert.Equal("States.Runtime", execution.Error);
        Assert.Contains("The value for the field 'SecretId' must be a STRING", execution.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void StateFile_WhenASecretIsWritten_ShouldBeOwnerOnlyAndSurviveARestart()
    {
        using var folder = new TempFolder();
        var store = Store(folder);

        store.Create(new NewSecret("app/db") { SecretString = "kept" });

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path + ".lock"));
        }

        Assert.Equal("kept", Store(folder).GetValue("app/db").SecretString);
        Assert.Equal("app/db version " + store.GetValue("app/db").VersionId + " (AWSCURRENT)", store.GetValue("app/db").ToString());
    }

    private static SecretStore Store(TempFolder folder) =>
        new(Path.Combine(folder.Path, "secrets.json"), "us-east-1", "000000000000", TimeProvider.System);

    private static LocalCloudHost Cloud(TempFolder folder, string machine) =>
        TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Machine"] = machine }), folder.Path + "/state");
}
