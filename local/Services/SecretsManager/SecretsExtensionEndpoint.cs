using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DisasterRecovery.LocalSecretsManager;

/// <summary>
/// The AWS Parameters and Secrets Lambda Extension's local HTTP endpoint, played for the in-process functions:
/// <c>GET /secretsmanager/get?secretId=&lt;name or ARN&gt;[&amp;versionId=…|&amp;versionStage=…]</c> with the header
/// <c>X-Aws-Parameters-Secrets-Token</c> equal to the function's <c>AWS_SESSION_TOKEN</c>, answered from the local
/// Secrets Manager (<see cref="SecretStore"/>). It listens on 127.0.0.1 on a free port, started on first use; functions
/// find it through <c>PARAMETERS_SECRETS_EXTENSION_HTTP_PORT</c> (<see cref="FunctionEnvironment"/>).
/// </summary>
/// <remarks>
/// Answers follow AWS's extension and its open-source sibling, the Secrets Manager Agent: 200 with GetSecretValue's
/// JSON; 403 for a missing or wrong token; 400 for a forwarded request, a missing <c>secretId</c> or an unknown query
/// parameter; Secrets Manager's own status (400) and error (<c>{"__type":"ResourceNotFoundException",...}</c>) for an
/// unknown secret or version; 405 for anything but GET; 404 for other paths (Parameter Store is not emulated). No
/// request is logged, and no answer but a successful one carries a value.
/// </remarks>
public sealed class SecretsExtensionEndpoint : IAsyncDisposable
{
    /// <summary>The variable the extension's port is read from (default 2773 on Lambda).</summary>
    public const string PortVariable = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";

    /// <summary>The variable holding the token the extension requires.</summary>
    public const string TokenVariable = "AWS_SESSION_TOKEN";

    /// <summary>The request header that must carry the token.</summary>
    public const string TokenHeader = "X-Aws-Parameters-Secrets-Token";

    /// <summary>The Secrets Manager path.</summary>
    public const string SecretsPath = "/secretsmanager/get";

    private readonly SecretStore _store;
    private readonly byte[] _token;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebApplication? _app;
    private Uri? _baseUrl;
    private bool _disposed;

    /// <param name="store">The secrets it serves.</param>
    public SecretsExtensionEndpoint(SecretStore store)
    {
        _store = store;
        SessionToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        _token = Encoding.UTF8.GetBytes(SessionToken);
    }

    /// <summary>The token functions present (their AWS_SESSION_TOKEN): random, one per local cloud.</summary>
    public string SessionToken { get; }

    /// <summary>Whether the server is listening.</summary>
    public bool IsStarted => _baseUrl is not null;

    /// <summary>Starts the server if it is not listening yet and returns its base URL (http://127.0.0.1:&lt;port&gt;/).</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="DisposeAsync"/>.</exception>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_baseUrl is not null)
            {
                return _baseUrl;
            }

            // No configuration file watchers: a test run starts many local clouds, and each watcher costs an inotify instance.
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                Args = ["--hostBuilder:reloadConfigOnChange=false"],
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.Run(HandleAsync);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            _app = app;
            _baseUrl = new Uri(app.Urls.First() + "/");
            return _baseUrl;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// What a function needs to reach the endpoint, as Lambda sets it: the port and the session token. Starts the
    /// server on first call (called when a function's environment is first built).
    /// </summary>
    public IReadOnlyDictionary<string, string> FunctionEnvironment()
    {
        var url = StartAsync().GetAwaiter().GetResult();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PortVariable] = url.Port.ToString(CultureInfo.InvariantCulture),
            [TokenVariable] = SessionToken,
        };
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_app is not null)
            {
                await _app.StopAsync().ConfigureAwait(false);
                await _app.DisposeAsync().ConfigureAwait(false);
                _app = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        var (status, body) = Answer(http.Request);
        http.Response.StatusCode = status;
        http.Response.ContentType = body is JsonObject ? "application/json" : "text/plain; charset=utf-8";
        var text = body is JsonObject json ? json.ToJsonString() : body.GetValue<string>();
        await http.Response.WriteAsync(text, http.RequestAborted).ConfigureAwait(false);
    }

    private (int Status, JsonNode Body) Answer(HttpRequest request)
    {
        if (request.Headers.ContainsKey("X-Forwarded-For"))
        {
            return (StatusCodes.Status400BadRequest, "Forwarded");
        }

        if (!HasToken(request))
        {
            return (StatusCodes.Status403Forbidden, "Bad Token");
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            return (StatusCodes.Status405MethodNotAllowed, "Not allowed");
        }

        if (request.Path != SecretsPath)
        {
            return (StatusCodes.Status404NotFound, "Not found");
        }

        string? secretId = null, versionId = null, versionStage = null;
        foreach (var (key, values) in request.Query)
        {
            var value = values.LastOrDefault();
            switch (key)
            {
                case "secretId":
                    secretId = value;
                    break;
                case "versionId":
                    versionId = value;
                    break;
                case "versionStage":
                    versionStage = value;
                    break;
                case "refreshNow" when value?.ToLowerInvariant() is "true" or "false" or "1" or "0":
                    break; // nothing is cached here, so every answer is fresh
                case "refreshNow":
                    return (StatusCodes.Status400BadRequest, "invalid refreshNow value");
                default:
                    return (StatusCodes.Status400BadRequest, $"unknown parameter: {key}");
            }
        }

        if (string.IsNullOrEmpty(secretId))
        {
            return (StatusCodes.Status400BadRequest, "missing parameter secretId");
        }

        try
        {
            return (StatusCodes.Status200OK, Describe(_store.GetValue(secretId, versionId, versionStage)));
        }
        catch (ServiceErrorException e)
        {
            return (e.StatusCode, new JsonObject { ["__type"] = e.Code, ["message"] = e.Message });
        }
    }

    private bool HasToken(HttpRequest request) =>
        request.Headers.TryGetValue(TokenHeader, out var values) && values.Count == 1 && values[0] is { } presented &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token);

    /// <summary>GetSecretValue's result as the extension returns it (null members included, ResultMetadata empty).</summary>
    private static JsonObject Describe(SecretValue value) => new()
    {
        ["ARN"] = value.Arn,
        ["CreatedDate"] = value.CreatedDate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["Name"] = value.Name,
        ["SecretBinary"] = value.SecretBinary,
        ["SecretString"] = value.SecretString,
        ["VersionId"] = value.VersionId,
        ["VersionStages"] = new JsonArray(value.VersionStages.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
        ["ResultMetadata"] = new JsonObject(),
    };
}
