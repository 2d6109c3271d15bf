using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Time.Testing;

namespace DisasterRecovery.LocalS3.Tests;

/// <summary>
/// A real LocalS3Server on a free port over a fresh temp folder, with a real AmazonS3Client pointed at it
/// using default client settings except the endpoint, path style and region.
/// </summary>
internal sealed class S3TestHost : IAsyncDisposable
{
    public const string AccessKeyId = "LKIATESTACCESSKEY001";
    public const string SecretAccessKey = "test/secret+key0123456789abcdefghijklmnop";

    private S3TestHost(string stateDirectory, FakeTimeProvider clock, StringWriter log)
    {
        StateDirectory = stateDirectory;
        Clock = clock;
        Log = log;
    }

    public string StateDirectory { get; }

    /// <summary>The server's clock: starts at the real time, moves only when a test advances it.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>Everything the server logged.</summary>
    public StringWriter Log { get; }

    public LocalS3Server Server { get; private set; } = null!;

    public AmazonS3Client Client { get; private set; } = null!;

    public static async Task<S3TestHost> StartAsync(string? stateDirectory = null)
    {
        var directory = stateDirectory ?? Path.Combine(Path.GetTempPath(), "locals3-tests", Guid.NewGuid().ToString("N"));
        var host = new S3TestHost(directory, new FakeTimeProvider(DateTimeOffset.UtcNow), new StringWriter());
        await host.StartServerAsync();
        return host;
    }

    /// <summary>Stops the server and starts a new one on the same state folder (same clock).</summary>
    public async Task RestartAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await StartServerAsync();
    }

    public AmazonS3Client CreateClient(string accessKeyId = AccessKeyId, string secretAccessKey = SecretAccessKey) =>
        new(new BasicAWSCredentials(accessKeyId, secretAccessKey), new AmazonS3Config
        {
            ServiceURL = Server.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
            var sandbox = StateDirectory.Split(Path.DirectorySeparatorChar).FirstOrDefault(part => part.StartsWith("sandbox-", StringComparison.Ordinal));
            if (sandbox is not null)
            {
                Directory.Delete(StateDirectory[..(StateDirectory.IndexOf(sandbox, StringComparison.Ordinal) + sandbox.Length)], recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    private async Task StartServerAsync()
    {
        Server = await LocalS3Server.StartAsync(new LocalS3Options
        {
            StateDirectory = StateDirectory,
            AccessKeyId = AccessKeyId,
            SecretAccessKey = SecretAccessKey,
            TimeProvider = Clock,
            RequestLog = Log,
        });
        Client = CreateClient();
    }
}
