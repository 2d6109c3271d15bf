using System.Text;
using System.Text.Json;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Functions.AuditVerify;
using DisasterRecovery.Lambda;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Audit.Tests;

public sealed class AuditVerifyFunctionTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task Invoke_WhenTheChainIsIntact_ShouldReturnAValidReport()
    {
        // Arrange: the function built from its environment alone, as Lambda and the local cloud build it.
        var kit = await AuditTestKit.CreateAsync(_s3);
        var records = await kit.AppendAsync(3);
        var function = AuditVerifyEntryPoint.Create(Environment(kit.Bucket));
        var logLines = new StringWriter();

        // Act
        var output = await InvokeAsync(function, "{}", logLines);

        // Assert
        using var json = JsonDocument.Parse(output);
        Assert.Equal("AuditVerify", function.Name);
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(3, json.RootElement.GetProperty("eventCount").GetInt64());
        Assert.Equal(records[^1].Hash, json.RootElement.GetProperty("headHash").GetString());
        Assert.Contains("audit chain intact", logLines.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenAnEventWasAltered_ShouldReturnTheFirstBadEventNotThrow()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);
        await kit.AppendAsync(3);
        var bytes = await _s3.GetBytesAsync(kit.Bucket, kit.KeyOf(2));
        var at = Encoding.UTF8.GetString(bytes).IndexOf("succeeded", StringComparison.Ordinal);
        bytes[at] ^= 0x20;
        await _s3.PutBytesAsync(kit.Bucket, kit.KeyOf(2), bytes);
        var function = AuditVerifyEntryPoint.Create(Environment(kit.Bucket));
        var logLines = new StringWriter();

        // Act
        var output = await InvokeAsync(function, "{}", logLines);

        // Assert
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("firstBadSequence").GetInt64());
        Assert.Equal("altered", json.RootElement.GetProperty("firstProblem").GetString());
        Assert.Contains("audit chain broken", logLines.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenThePayloadHasUnknownFields_ShouldThrowMalformedInput()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);
        var function = AuditVerifyEntryPoint.Create(Environment(kit.Bucket));

        // Act
        var error = await Assert.ThrowsAsync<MalformedInputException>(() => InvokeAsync(function, """{"bucket": "elsewhere"}""", new StringWriter()));

        // Assert
        Assert.Contains("AuditVerifyRequest", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "audit/", "AUDIT_BUCKET")]
    [InlineData("audit-bucket", "../escape/", "AUDIT_PREFIX")]
    public void Create_WhenTheEnvironmentIsIncomplete_ShouldThrowFunctionConfigurationNamingTheVariable(string? bucket, string prefix, string variable)
    {
        // Arrange
        var environment = Environment(bucket ?? "placeholder");
        if (bucket is null)
        {
            environment.Remove("AUDIT_BUCKET");
        }

        environment["AUDIT_PREFIX"] = prefix;

        // Act
        var error = Assert.Throws<FunctionConfigurationException>(() => AuditVerifyEntryPoint.Create(environment));

        // Assert
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment(string bucket) => new()
    {
        ["AUDIT_BUCKET"] = bucket,
        ["AUDIT_PREFIX"] = AuditTestKit.Prefix,
        ["AWS_ENDPOINT_URL_S3"] = _s3.Endpoint,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = LocalS3Host.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = LocalS3Host.SecretAccessKey,
    };

    private static async Task<byte[]> InvokeAsync(ILambdaFunction function, string payload, StringWriter logLines)
    {
        using var context = new LambdaContext(
            Guid.NewGuid().ToString(), function.Name, "arn:aws:lambda:us-east-1:123456789012:function:AuditVerify",
            DateTimeOffset.UtcNow.AddMinutes(2), null, new JsonLogger(function.Name, logLines, TimeProvider.System), TimeProvider.System);
        return await function.InvokeAsync(Encoding.UTF8.GetBytes(payload), context);
    }
}
