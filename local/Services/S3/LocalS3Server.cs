using System.Net;
using DisasterRecovery.LocalS3.Auth;
using DisasterRecovery.LocalS3.Credentials;
using DisasterRecovery.LocalS3.Http;
using DisasterRecovery.LocalS3.Http.Operations;
using DisasterRecovery.LocalS3.Lifecycle;
using DisasterRecovery.LocalS3.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DisasterRecovery.LocalS3;

/// <summary>
/// An S3-compatible HTTP endpoint on 127.0.0.1 over a folder on disk, for the local cloud and for tests.
/// Path-style addressing, SigV4 authentication with one access key, data that survives restarts.
/// <code>
/// await using var s3 = await LocalS3Server.StartAsync(new LocalS3Options { StateDirectory = "/tmp/s3" });
/// var client = new AmazonS3Client(s3.AccessKeyId, s3.SecretAccessKey,
///     new AmazonS3Config { ServiceURL = s3.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = s3.Region });
/// </code>
/// </summary>
public sealed class LocalS3Server : IAsyncDisposable
{
    private readonly WebApplication app;
    private int disposed;

    private LocalS3Server(WebApplication app, Uri endpoint, LocalCredentials credentials, string region, string stateDirectory)
    {
        this.app = app;
        Endpoint = endpoint;
        AccessKeyId = credentials.AccessKeyId;
        SecretAccessKey = credentials.SecretAccessKey;
        CredentialsFilePath = credentials.FilePath;
        Region = region;
        StateDirectory = stateDirectory;
    }

    /// <summary>Base URL of the endpoint, e.g. http://127.0.0.1:54321/ (use path-style addressing).</summary>
    public Uri Endpoint { get; }

    /// <summary>The access key id requests must be signed with.</summary>
    public string AccessKeyId { get; }

    /// <summary>The secret of <see cref="AccessKeyId"/>, for building in-process clients. Never logged.</summary>
    public string SecretAccessKey { get; }

    /// <summary>The credentials file in use, when the keys were not passed in the options.</summary>
    public string? CredentialsFilePath { get; }

    /// <summary>The region requests must be signed for.</summary>
    public string Region { get; }

    /// <summary>The folder holding the data.</summary>
    public string StateDirectory { get; }

    /// <summary>Starts the endpoint and returns once it accepts connections.</summary>
    public static async Task<LocalS3Server> StartAsync(LocalS3Options options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.StateDirectory);
        if ((options.AccessKeyId is null) != (options.SecretAccessKey is null))
        {
            throw new ArgumentException("Give both AccessKeyId and SecretAccessKey, or neither to use the credentials file.", nameof(options));
        }

        var stateDirectory = Path.GetFullPath(options.StateDirectory);
        Directory.CreateDirectory(stateDirectory);
        var credentials = options.AccessKeyId is not null
            ? new LocalCredentials(options.AccessKeyId, options.SecretAccessKey!, null)
            : CredentialsFile.LoadOrCreate(stateDirectory);

        var store = new ObjectStore(stateDirectory, options.TimeProvider);
        var multipart = new MultipartStore(store);
        var operations = new S3Operations(store, multipart, options.Region);
        var endpoint = new S3Endpoint(
            new SigV4Verifier(credentials.AccessKeyId, credentials.SecretAccessKey, options.Region, options.TimeProvider),
            new S3Router(operations),
            new RequestLog(options.RequestLog),
            new LifecycleRunner(store, multipart, options.TimeProvider),
            options.TimeProvider);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "LocalS3",
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.AddServerHeader = false;
            // Objects are streamed to disk, so there is no reason to cap their size here (S3 allows 5 GiB per PUT).
            kestrel.Limits.MaxRequestBodySize = null;
        });

        var app = builder.Build();
        app.Run(endpoint.HandleAsync);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new LocalS3Server(app, new Uri($"http://127.0.0.1:{port}/"), credentials, options.Region, stateDirectory);
    }

    /// <summary>Completes when the host stops (Ctrl+C or SIGTERM for the standalone command).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting requests and lets running ones finish.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await app.StopAsync();
        await app.DisposeAsync();
    }
}
