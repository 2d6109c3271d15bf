using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Functions.HealthCheck;
using DisasterRecovery.HealthChecks;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.HealthCheck.Tests;

public sealed class HealthCheckRequestTests
{
    private static ILambdaFunction Function => HealthCheckEntryPoint.Create(new Dictionary<string, string>());

    private static LambdaContext Context() => new(
        "req", "HealthCheck", "arn:aws:lambda:us-east-1:000000000000:function:HealthCheck", DateTimeOffset.UtcNow.AddMinutes(1), null,
        new Core.Logging.JsonLogger("HealthCheck", TextWriter.Null, TimeProvider.System), TimeProvider.System);

    [Theory]
    [InlineData("""{}""", "url", "is required")]
    [InlineData("""{"url":""}""", "url", "is required")]
    [InlineData("""{"url":"ftp://example.com/health"}""", "url", "must use http or https, not 'ftp'")]
    [InlineData("""{"url":"api/health"}""", "url", "is not an absolute URL")]
    [InlineData("""{"url":"http://x/","timeoutSeconds":-1}""", "timeoutSeconds", "must be greater than 0")]
    [InlineData("""{"url":"http://x/","timeoutSeconds":0}""", "timeoutSeconds", "must be greater than 0")]
    [InlineData("""{"url":"http://x/","maxAttempts":0}""", "maxAttempts", "must be between 1 and 20")]
    [InlineData("""{"url":"http://x/","expectedStatus":700}""", "expectedStatus", "must be between 100 and 599")]
    [InlineData("""{"url":"http://x/","backoffRate":0.5}""", "backoffRate", "must be between 1 and 10")]
    [InlineData("""{"url":"http://x/","backoffSeconds":-2}""", "backoffSeconds", "must be between 0 and 300")]
    public async Task Invoke_WhenAFieldIsBad_ShouldRejectItNamingTheField(string payload, string field, string problem)
    {
        using var context = Context();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Function.InvokeAsync(Encoding.UTF8.GetBytes(payload), context));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"url":"http://x/","timeout":3}""", "timeout")]
    [InlineData("""{"url":"http://x/","maxAttempts":"three"}""", "maxAttempts")]
    [InlineData("""[1,2]""", "HealthCheckRequest")]
    public async Task Invoke_WhenJsonDoesNotFitTheRequest_ShouldRaiseMalformedInput(string payload, string mentioned)
    {
        using var context = Context();

        var error = await Assert.ThrowsAsync<MalformedInputException>(() => Function.InvokeAsync(Encoding.UTF8.GetBytes(payload), context));

        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_WhenFieldsAreAbsent_ShouldBeThePublishedDefaults()
    {
        var request = new HealthCheckRequest { Url = "https://api.example.com/health" };

        request.Validate();

        Assert.Equal(200, request.Status);
        Assert.Equal(TimeSpan.FromSeconds(5), request.Timeout);
        Assert.Equal(3, request.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(1), request.FirstBackoff);
        Assert.Equal(2, request.Rate);
    }
}
