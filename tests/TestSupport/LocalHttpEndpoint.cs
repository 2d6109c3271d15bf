using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DisasterRecovery.TestSupport;

/// <summary>A real HTTP server on 127.0.0.1 whose answers a test scripts, one handler per request.</summary>
public sealed class LocalHttpEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private LocalHttpEndpoint(WebApplication app) => _app = app;

    /// <summary>The server's base URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>How many requests have reached it.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Starts a server; <paramref name="respond"/> gets the 1-based request number.</summary>
    public static async Task<LocalHttpEndpoint> StartAsync(Func<int, HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var endpoint = new LocalHttpEndpoint(app);
        app.Run(http => respond(Interlocked.Increment(ref endpoint._requests), http));
        await app.StartAsync();
        endpoint.BaseUrl = new Uri(app.Urls.First() + "/");
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
