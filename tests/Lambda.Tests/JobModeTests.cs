using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using DisasterRecovery.LocalS3;
using DisasterRecovery.Secrets;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Lambda.Tests;

/// <summary>
/// Job mode as an ECS task runs it: the probe function's real executable started with <c>--job</c>, its result object
/// read back from a real local S3, its exit code and its log lines asserted.
/// </summary>
public sealed class JobModeTests : IAsyncLifetime
{
    private const string Bucket = "job-results";
    private static string Probe => RepositoryPaths.BuiltAssembly("tests/Fixtures/ProbeFunction", "ProbeFunction");

    private readonly string _state = Path.Combine(Path.GetTempPath(), "job-mode-" + Guid.NewGuid().ToString("N"));
    private LocalS3Server _s3 = null!;

    public async Task InitializeAsync()
    {
        _s3 = await LocalS3Server.StartAsync(new LocalS3Options { StateDirectory = _state, Port = 0, Region = "us-east-1", RequestLog = null });
        using var client = Client();
        await client.PutBucketAsync(Bucket);
    }

    public async Task DisposeAsync()
    {
        await _s3.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }

    [Fact]
    public async Task Job_WhenFunctionSucceeds_ShouldWriteItsOutputAsResultAndExitZero()
    {
        var job = await RunAsync(new() { ["JOB_INPUT"] = """{"action":"echo","message":"hi"}""" });

        Assert.Equal(0, job.ExitCode);
        using var result = await ResultAsync(job.Key);
        var output = result.RootElement.GetProperty("result");
        Assert.Equal("hi", output.GetProperty("message").GetString());
        Assert.Equal(job.ProcessId, output.GetProperty("processId").GetInt32());
        // A task's deadline is not Lambda's 15 minutes: the default is 12 hours.
        Assert.InRange(output.GetProperty("remainingMs").GetDouble(), TimeSpan.FromHours(11.9).TotalMilliseconds, TimeSpan.FromHours(12).TotalMilliseconds);
        Assert.Contains(job.Stdout, line => line.Contains("\"message\":\"job succeeded\"", StringComparison.Ordinal));
        Assert.All(job.Stdout, line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public async Task Job_WhenHandlerThrows_ShouldWriteErrorTypeAndMessageAndExitOne()
    {
        var job = await RunAsync(new() { ["JOB_INPUT"] = """{"action":"throw","message":"backup 42 isn't there"}""" });

        Assert.Equal(1, job.ExitCode);
        using var result = await ResultAsync(job.Key);
        Assert.Equal("ProbeRequestedFailureException", result.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("backup 42 isn't there", result.RootElement.GetProperty("errorMessage").GetString());
        Assert.False(result.RootElement.TryGetProperty("result", out _));
    }

    [Fact]
    public async Task Job_WhenInputIsMissing_ShouldExitTwoNamingTheVariable()
    {
        var job = await RunAsync([]);

        Assert.Equal(2, job.ExitCode);
        using var result = await ResultAsync(job.Key);
        Assert.Equal("FunctionConfigurationException", result.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("JOB_INPUT", result.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_WhenInitializationFails_ShouldExitTwoWithTheInitError()
    {
        var job = await RunAsync(new() { ["JOB_INPUT"] = """{"action":"echo"}""", ["PROBE_FAIL_INIT"] = "no database configured" });

        Assert.Equal(2, job.ExitCode);
        using var result = await ResultAsync(job.Key);
        Assert.Contains("no database configured", result.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("JOB_TIMEOUT_SECONDS", "0", "JOB_TIMEOUT_SECONDS must be a whole number of seconds")]
    [InlineData("JOB_TIMEOUT_SECONDS", "soon", "was 'soon'")]
    public async Task Job_WhenTimeoutIsNotANumberOfSeconds_ShouldExitTwoNamingIt(string variable, string value, string messagePart)
    {
        var job = await RunAsync(new() { ["JOB_INPUT"] = """{"action":"echo"}""", [variable] = value });

        Assert.Equal(2, job.ExitCode);
        using var result = await ResultAsync(job.Key);
        Assert.Contains(messagePart, result.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_WhenResultLocationIsMissing_ShouldExitTwoWithoutRunning()
    {
        var job = await RunAsync(new() { ["JOB_INPUT"] = """{"action":"echo"}""" }, withResultLocation: false);

        Assert.Equal(2, job.ExitCode);
        Assert.Contains(job.Stdout, line => line.Contains("JOB_RESULT_BUCKET and JOB_RESULT_KEY must both be set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Job_WhenTimeoutIsGiven_ShouldSetTheDeadline()
    {
        var job = await RunAsync(new() { ["JOB_INPUT"] = """{"action":"echo"}""", ["JOB_TIMEOUT_SECONDS"] = "7200" });

        Assert.Equal(0, job.ExitCode);
        using var result = await ResultAsync(job.Key);
        Assert.InRange(result.RootElement.GetProperty("result").GetProperty("remainingMs").GetDouble(), 7_000_000, 7_200_000);
    }

    [Fact]
    public async Task Job_WhenEcsStopsTheTaskWithSigterm_ShouldCancelTheTokenBeforeTheDeadlineAndStillReport()
    {
        var job = await RunAsync(
            new() { ["JOB_INPUT"] = """{"action":"wait-for-cancellation"}""" },
            sendSigtermWhen: line => line.Contains("job started", StringComparison.Ordinal));

        Assert.Equal(0, job.ExitCode);
        using var result = await ResultAsync(job.Key);
        Assert.True(result.RootElement.GetProperty("result").GetProperty("cancelledBeforeDeadline").GetBoolean());
        Assert.Contains(job.Stdout, line => line.Contains("stop signal received", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Job_WhenHandlerLogsACredential_ShouldMaskItInTheJsonLines()
    {
        var job = await RunAsync(new() { ["JOB_INPUT"] = """{"action":"log","message":"Host=db;Password=hunter2"}""" });

        Assert.Equal(0, job.ExitCode);
        Assert.DoesNotContain(job.Stdout, line => line.Contains("hunter2", StringComparison.Ordinal));
        Assert.Contains(job.Stdout, line => line.Contains("Password=***", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InjectedSecret_WhenAskedForItsIdOrAnother_ShouldServeOnlyItsOwn()
    {
        var source = SecretSources.FromEnvironment(new Dictionary<string, string>
        {
            ["DB_SECRET_ID"] = "technician-marketplace/postgres",
            ["DB_SECRET_JSON"] = """{"username":"dr","password":"pw"}""",
        });

        Assert.IsType<InjectedSecretSource>(source);
        Assert.Equal("""{"username":"dr","password":"pw"}""", await source.GetSecretStringAsync("technician-marketplace/postgres", CancellationToken.None));
        var refused = await Assert.ThrowsAsync<Core.SecretNotFoundException>(() => source.GetSecretStringAsync("other/secret", CancellationToken.None));
        Assert.Contains("cannot be read in job mode", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", refused.Message.Replace("postgres", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void InjectedSecret_WhenSecretIdIsMissing_ShouldRefuseNamingIt()
    {
        var error = Assert.Throws<Core.FunctionConfigurationException>(() =>
            SecretSources.FromEnvironment(new Dictionary<string, string> { ["DB_SECRET_JSON"] = "{}" }));

        Assert.Contains("DB_SECRET_ID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretSources_WhenNoSecretIsInjected_ShouldUseTheExtension()
    {
        var source = SecretSources.FromEnvironment(new Dictionary<string, string> { ["AWS_SESSION_TOKEN"] = "token" });

        Assert.IsType<SecretsExtensionClient>(source);
    }

    private AmazonS3Client Client() => new(
        new BasicAWSCredentials(_s3.AccessKeyId, _s3.SecretAccessKey),
        new AmazonS3Config { ServiceURL = _s3.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    private async Task<JsonDocument> ResultAsync(string key)
    {
        using var client = Client();
        using var response = await client.GetObjectAsync(Bucket, key);
        return await JsonDocument.ParseAsync(response.ResponseStream);
    }

    private async Task<JobRun> RunAsync(Dictionary<string, string> environment, bool withResultLocation = true, Func<string, bool>? sendSigtermWhen = null)
    {
        var key = $"jobs/{Guid.NewGuid():N}/probe.json";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Probe);
        info.ArgumentList.Add("--job");
        info.Environment.Remove("AWS_LAMBDA_RUNTIME_API");
        info.Environment["AWS_ENDPOINT_URL_S3"] = _s3.Endpoint.ToString();
        info.Environment["AWS_ACCESS_KEY_ID"] = _s3.AccessKeyId;
        info.Environment["AWS_SECRET_ACCESS_KEY"] = _s3.SecretAccessKey;
        info.Environment["AWS_REGION"] = "us-east-1";
        if (withResultLocation)
        {
            info.Environment["JOB_RESULT_BUCKET"] = Bucket;
            info.Environment["JOB_RESULT_KEY"] = key;
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = new Process { StartInfo = info };
        var stdout = new ConcurrentQueue<string>();
        var signalled = 0;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            stdout.Enqueue(e.Data);
            if (sendSigtermWhen?.Invoke(e.Data) == true && Interlocked.Exchange(ref signalled, 1) == 0)
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(guard.Token);
        process.WaitForExit();
        return new JobRun(process.ExitCode, process.Id, key, [.. stdout]);
    }

    private sealed record JobRun(int ExitCode, int ProcessId, string Key, IReadOnlyList<string> Stdout);
}
