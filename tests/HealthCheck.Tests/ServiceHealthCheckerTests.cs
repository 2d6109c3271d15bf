using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DisasterRecovery.HealthChecks;
using DisasterRecovery.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DisasterRecovery.HealthCheck.Tests;

public sealed class ServiceHealthCheckerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 15, 14, 30, 0, TimeSpan.Zero);

    private static HttpClient NewHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };

    private static Task<HealthCheckResult> CheckAsync(HealthCheckRequest request, TimeProvider? time = null, DateTimeOffset? deadline = null)
    {
        request.Validate();
        var clock = time ?? new InstantDelayTimeProvider(Start);
        return new ServiceHealthChecker(NewHttpClient(), clock)
            .CheckAsync(request, deadline ?? clock.GetUtcNow().AddMinutes(5), CancellationToken.None);
    }

    private static string Health(LocalHttpEndpoint endpoint) => new Uri(endpoint.BaseUrl, "health").ToString();

    [Fact]
    public async Task Check_WhenEndpointAnswersOk_ShouldBeHealthyAfterOneAttempt()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) => http.Response.WriteAsync("""{"status":"ok"}"""));

        var result = await CheckAsync(new HealthCheckRequest { Url = Health(endpoint), ExpectedBodyContains = "\"status\":\"ok\"" });

        Assert.True(result.Healthy);
        Assert.Equal(200, result.Status);
        Assert.Equal(1, result.Attempts);
        Assert.Null(result.Failure);
        Assert.Equal(1, endpoint.Requests);
    }

    [Fact]
    public async Task Check_WhenEndpointRecoversOnThirdAttempt_ShouldRetryWithExponentialBackoff()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((n, http) =>
        {
            http.Response.StatusCode = n < 3 ? 503 : 200;
            return Task.CompletedTask;
        });
        var clock = new InstantDelayTimeProvider(Start);

        var result = await CheckAsync(new HealthCheckRequest { Url = Health(endpoint), MaxAttempts = 5, BackoffSeconds = 1, BackoffRate = 2 }, clock);

        Assert.True(result.Healthy);
        Assert.Equal(3, result.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], clock.Delays.Where(d => d < TimeSpan.FromMinutes(1)));
        Assert.Equal([503, 503, 200], result.AttemptLog.Select(a => a.Status));
    }

    [Fact]
    public async Task Check_WhenEndpointStaysDown_ShouldReportUnhealthyWithTheLastFailure()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) =>
        {
            http.Response.StatusCode = 503;
            return Task.CompletedTask;
        });

        var result = await CheckAsync(new HealthCheckRequest { Url = Health(endpoint), MaxAttempts = 3 });

        Assert.False(result.Healthy);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(503, result.Status);
        Assert.Equal("expected status 200, got 503", result.Failure);
        Assert.Equal(3, endpoint.Requests);
    }

    [Fact]
    public async Task Check_WhenBodyLacksExpectedText_ShouldBeUnhealthy()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) => http.Response.WriteAsync("""{"status":"degraded"}"""));

        var result = await CheckAsync(new HealthCheckRequest { Url = Health(endpoint), ExpectedBodyContains = "\"status\":\"ok\"", MaxAttempts = 1 });

        Assert.False(result.Healthy);
        Assert.Equal(200, result.Status);
        Assert.Contains("does not contain the expected text", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WhenEndpointRedirects_ShouldReportTheRedirectInsteadOfFollowingIt()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) =>
        {
            http.Response.Redirect("/elsewhere");
            return Task.CompletedTask;
        });

        var result = await CheckAsync(new HealthCheckRequest { Url = Health(endpoint), MaxAttempts = 1 });

        Assert.False(result.Healthy);
        Assert.Equal(302, result.Status);
        Assert.Equal(1, endpoint.Requests);
    }

    [Fact]
    public async Task Check_WhenEndpointIsSlowerThanTheTimeout_ShouldGiveUpOnThatAttempt()
    {
        using var release = new CancellationTokenSource();
        await using var endpoint = await LocalHttpEndpoint.StartAsync(async (_, http) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), release.Token);
            }
            catch (OperationCanceledException)
            {
            }
        });

        var result = await CheckAsync(new HealthCheckRequest { Url = Health(endpoint), TimeoutSeconds = 0.2, MaxAttempts = 1 }, TimeProvider.System);
        await release.CancelAsync();

        Assert.False(result.Healthy);
        Assert.Null(result.Status);
        Assert.Equal("no answer within 0.2 s", result.Failure);
    }

    [Fact]
    public async Task Check_WhenNothingListens_ShouldReportConnectionRefused()
    {
        var port = FreePort();

        var result = await CheckAsync(new HealthCheckRequest { Url = $"http://127.0.0.1:{port}/health", MaxAttempts = 2 });

        Assert.False(result.Healthy);
        Assert.Equal(2, result.Attempts);
        Assert.Equal("connection failed: ConnectionRefused", result.Failure);
    }

    [Fact]
    public async Task Check_WhenCertificateIsUntrusted_ShouldReportTheTlsFailure()
    {
        await using var server = await StartHttpsServerWithSelfSignedCertificateAsync();

        var result = await CheckAsync(new HealthCheckRequest { Url = server.Url + "health", MaxAttempts = 1 });

        Assert.False(result.Healthy);
        Assert.StartsWith("TLS failed", result.Failure, StringComparison.Ordinal);
        Assert.Equal(0, server.Answered);
    }

    [Fact]
    public async Task Check_WhenTheDeadlineLeavesNoRoomForAnotherAttempt_ShouldStopEarly()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) =>
        {
            http.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        var clock = new InstantDelayTimeProvider(Start);

        // attempt 1 at t=0; attempt 2 after 1 s backoff (t=1, ends by t=2); attempt 3 would need t=3+1 > deadline 3.
        var result = await CheckAsync(
            new HealthCheckRequest { Url = Health(endpoint), MaxAttempts = 5, BackoffSeconds = 1, TimeoutSeconds = 1 },
            clock, Start.AddSeconds(3));

        Assert.False(result.Healthy);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, endpoint.Requests);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<HttpsServer> StartHttpsServerWithSelfSignedCertificateAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var server = new HttpsServer(app);
        app.Run(http =>
        {
            Interlocked.Increment(ref server.AnsweredCount);
            return http.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        server.Url = app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/";
        return server;
    }

    private sealed class HttpsServer(WebApplication app) : IAsyncDisposable
    {
        public int AnsweredCount;

        public string Url { get; set; } = string.Empty;

        public int Answered => Volatile.Read(ref AnsweredCount);

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
