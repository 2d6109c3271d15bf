using System.Net;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalSecretsManager;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// The Parameters and Secrets extension's endpoint as the functions reach it: a plain HttpClient, the port and token
/// from the function's environment.
/// </summary>
public sealed class SecretsManagerExtensionEndpointTests
{
    [Fact]
    public async Task Get_WhenTheTokenIsTheFunctionsSessionToken_ShouldReturnTheSecretAsGetSecretValueJson()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        var created = cloud.SecretsManager.Store.Create(new NewSecret("app/api-key") { SecretString = "k-123" });
        var (http, baseUrl) = Client(cloud);
        using var client = http;

        using var response = await http.GetAsync(new Uri(baseUrl, "secretsmanager/get?secretId=app%2Fapi-key"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(new[] { "ARN", "CreatedDate", "Name", "SecretBinary", "SecretString", "VersionId", "VersionStages", "ResultMetadata" },
            body.Select(p => p.Key).ToArray());
        Assert.Equal((created.Arn, "app/api-key", "k-123", created.VersionId),
            (body["ARN"]!.GetValue<string>(), body["Name"]!.GetValue<string>(), body["SecretString"]!.GetValue<string>(),
                body["VersionId"]!.GetValue<string>()));
        Assert.Null(body["SecretBinary"]);
    }

    [Fact]
    public async Task Get_WhenTheIdIsAnUrlEncodedArnAndAVersionStageIsAsked_ShouldReturnThatVersion()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        var created = cloud.SecretsManager.Store.Create(new NewSecret("technician-marketplace/postgres") { SecretString = "old+value=1" });
        cloud.SecretsManager.Store.PutValue(created.Arn, new SecretValueUpdate { SecretString = "new" });
        var (http, baseUrl) = Client(cloud);
        using var client = http;

        using var previous = await http.GetAsync(new Uri(baseUrl,
            $"secretsmanager/get?secretId={Uri.EscapeDataString(created.Arn)}&versionStage=AWSPREVIOUS"));
        using var byId = await http.GetAsync(new Uri(baseUrl,
            $"secretsmanager/get?secretId={Uri.EscapeDataString(created.Arn)}&versionId={created.VersionId}"));

        Assert.Equal(HttpStatusCode.OK, previous.StatusCode);
        var body = JsonNode.Parse(await previous.Content.ReadAsStringAsync())!;
        Assert.Equal("old+value=1", body["SecretString"]!.GetValue<string>());
        Assert.Equal("[\"AWSPREVIOUS\"]", body["VersionStages"]!.ToJsonString());
        Assert.Equal("old+value=1", JsonNode.Parse(await byId.Content.ReadAsStringAsync())!["SecretString"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-token")]
    public async Task Get_WhenTheTokenIsMissingOrWrong_ShouldAnswer403WithoutTheValue(string? token)
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        cloud.SecretsManager.Store.Create(new NewSecret("app/api-key") { SecretString = "k-123" });
        var baseUrl = BaseUrl(cloud);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "secretsmanager/get?secretId=app%2Fapi-key"));
        if (token is not null)
        {
            request.Headers.Add(SecretsExtensionEndpoint.TokenHeader, token);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("k-123", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WhenAnotherLocalCloudsTokenIsPresented_ShouldAnswer403()
    {
        using var folder = new TempFolder();
        using var other = new TempFolder();
        await using var cloud = Cloud(folder);
        await using var otherCloud = Cloud(other);
        var baseUrl = BaseUrl(cloud);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add(SecretsExtensionEndpoint.TokenHeader, otherCloud.SecretsExtension.SessionToken);

        using var response = await http.GetAsync(new Uri(baseUrl, "secretsmanager/get?secretId=x"));

        Assert.NotEqual(cloud.SecretsExtension.SessionToken, otherCloud.SecretsExtension.SessionToken);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Get_WhenTheSecretDoesNotExist_ShouldAnswerSecretsManagersErrorWithStatus400()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        var (http, baseUrl) = Client(cloud);
        using var client = http;

        using var response = await http.GetAsync(new Uri(baseUrl, "secretsmanager/get?secretId=nowhere"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ResourceNotFoundException", body["__type"]!.GetValue<string>());
        Assert.Equal("Secrets Manager can't find the specified secret.", body["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("GET", "secretsmanager/get", HttpStatusCode.BadRequest, "missing parameter secretId")]
    [InlineData("GET", "secretsmanager/get?secretId=a&name=b", HttpStatusCode.BadRequest, "unknown parameter: name")]
    [InlineData("GET", "systemsmanager/parameters/get?name=a", HttpStatusCode.NotFound, "Not found")]
    [InlineData("POST", "secretsmanager/get?secretId=a", HttpStatusCode.MethodNotAllowed, "Not allowed")]
    public async Task Request_WhenItIsNotAGetOfASecret_ShouldBeRefusedLikeTheExtension(string method, string relative, HttpStatusCode status, string message)
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        var (http, baseUrl) = Client(cloud);
        using var client = http;

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(baseUrl, relative)));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(message, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FunctionEnvironment_WhenAFunctionsEnvironmentIsBuilt_ShouldCarryTheEndpointsPortAndTokenAndListenOnLoopbackOnly()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        Assert.False(cloud.SecretsExtension.IsStarted);

        var environment = cloud.Functions.EnvironmentOf(cloud.Functions.Find("ProbeFunction"));

        Assert.True(cloud.SecretsExtension.IsStarted);
        Assert.Equal(cloud.SecretsExtension.SessionToken, environment[SecretsExtensionEndpoint.TokenVariable]);
        var port = int.Parse(environment[SecretsExtensionEndpoint.PortVariable], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(port, (await cloud.SecretsExtension.StartAsync()).Port);
        Assert.Equal("127.0.0.1", (await cloud.SecretsExtension.StartAsync()).Host);
        Assert.Equal("test", environment["PROBE_MODE"]);
    }

    [Fact]
    public async Task DisposeAsync_WhenTheCloudIsDisposed_ShouldStopListening()
    {
        using var folder = new TempFolder();
        var cloud = Cloud(folder);
        var (http, baseUrl) = Client(cloud);
        using var client = http;

        await cloud.DisposeAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(baseUrl, "secretsmanager/get?secretId=a")));
    }

    [Fact]
    public async Task FunctionEnvironment_WhenLocalS3RunsToo_ShouldLeaveTheFunctionsS3ClientAbleToSignWithTheSessionToken()
    {
        using var folder = new TempFolder();
        await using var cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = TestCloud.WriteTemplate(folder, new Dictionary<string, string>()),
            StateDirectory = folder.Path + "/state",
            Clock = new DisasterRecovery.LocalStepFunctions.Time.VirtualTimeProvider(),
        });
        var environment = cloud.Functions.EnvironmentOf(cloud.Functions.Find("ProbeFunction"));
        using var s3 = DisasterRecovery.Catalog.S3ClientFactory.FromEnvironment(environment);

        await s3.PutBucketAsync("session-token-check");
        var listed = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = "session-token-check" });

        Assert.Equal(cloud.SecretsExtension.SessionToken, environment[SecretsExtensionEndpoint.TokenVariable]);
        Assert.Equal(System.Net.HttpStatusCode.OK, listed.HttpStatusCode);
    }

    /// <summary>A client set up as a function sets up its own: localhost, the port and token from its environment.</summary>
    private static (HttpClient Http, Uri BaseUrl) Client(LocalCloudHost cloud)
    {
        var environment = cloud.Functions.EnvironmentOf(cloud.Functions.Find("ProbeFunction"));
        var http = new HttpClient();
        http.DefaultRequestHeaders.Add(SecretsExtensionEndpoint.TokenHeader, environment[SecretsExtensionEndpoint.TokenVariable]);
        return (http, BaseUrl(cloud));
    }

    /// <summary>http://localhost:&lt;port from the function's environment&gt;/.</summary>
    private static Uri BaseUrl(LocalCloudHost cloud) =>
        new($"http://localhost:{cloud.Functions.EnvironmentOf(cloud.Functions.Find("ProbeFunction"))[SecretsExtensionEndpoint.PortVariable]}/");

    private static LocalCloudHost Cloud(TempFolder folder) =>
        TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string>()), folder.Path + "/state");
}
