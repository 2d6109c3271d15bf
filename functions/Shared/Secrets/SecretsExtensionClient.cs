using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DisasterRecovery.Core;

namespace DisasterRecovery.Secrets;

/// <summary>
/// Reads secrets through the AWS Parameters and Secrets Lambda Extension: <c>GET
/// http://localhost:&lt;port&gt;/secretsmanager/get?secretId=&lt;id&gt;</c> with the header
/// <c>X-Aws-Parameters-Secrets-Token: $AWS_SESSION_TOKEN</c>. The extension caches values and does the signed
/// call to Secrets Manager itself, so the function needs no AWS SDK. Locally the local cloud plays the endpoint.
/// A refused connection is retried briefly: the extension may still be starting when the first invocation runs.
/// </summary>
public sealed class SecretsExtensionClient : ISecretSource
{
    /// <summary>The extension's port variable (default 2773).</summary>
    public const string PortVariable = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";

    /// <summary>The session token Lambda sets; the extension requires it on every request.</summary>
    public const string TokenVariable = "AWS_SESSION_TOKEN";

    /// <summary>The extension's default port.</summary>
    public const int DefaultPort = 2773;

    private const string TokenHeader = "X-Aws-Parameters-Secrets-Token";
    private static readonly TimeSpan[] StartupRetries = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1)];

    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly string _token;

    /// <param name="http">A client whose lifetime the caller owns.</param>
    /// <param name="port">The extension's port.</param>
    /// <param name="token">The session token to present.</param>
    public SecretsExtensionClient(HttpClient http, int port, string token)
    {
        _http = http;
        _baseUrl = new Uri($"http://localhost:{port}/");
        _token = token;
    }

    /// <summary>The client a function builds from its environment (port variable, session token).</summary>
    /// <exception cref="FunctionConfigurationException">The port is not a port number, or there is no session token.</exception>
    public static SecretsExtensionClient FromEnvironment(IReadOnlyDictionary<string, string> environment, HttpClient? http = null)
    {
        var port = DefaultPort;
        if (environment.TryGetValue(PortVariable, out var text) && !string.IsNullOrWhiteSpace(text))
        {
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
                || port is < 1 or > 65535)
            {
                throw new FunctionConfigurationException($"{PortVariable} must be a port number (1-65535), was '{text}'");
            }
        }

        var token = environment.GetValueOrDefault(TokenVariable);
        if (string.IsNullOrEmpty(token))
        {
            throw new FunctionConfigurationException(
                $"{TokenVariable} is not set: the Parameters and Secrets extension requires it "
                + "(Lambda sets it; the local cloud sets it for its functions)");
        }

        return new SecretsExtensionClient(http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, port, token);
    }

    /// <inheritdoc />
    public async Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken)
    {
        Require.NotBlank(secretId, "secretId");
        var url = new Uri(_baseUrl, "secretsmanager/get?secretId=" + Uri.EscapeDataString(secretId));
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add(TokenHeader, _token);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
                when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } && attempt < StartupRetries.Length)
            {
                await Task.Delay(StartupRetries[attempt], cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (HttpRequestException e)
            {
                throw new SecretUnavailableException(
                    $"secret '{secretId}': the Parameters and Secrets extension at {_baseUrl} cannot be reached ({e.Message}); "
                    + "is the extension layer attached?", e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SecretUnavailableException($"secret '{secretId}': the Parameters and Secrets extension did not answer in time", e);
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return ParseSecretString(secretId, body);
                }

                // The extension passes Secrets Manager's error through: the type names the problem, never the value.
                var problem = Summarize(body);
                if (response.StatusCode is HttpStatusCode.NotFound || problem.Contains("ResourceNotFoundException", StringComparison.Ordinal))
                {
                    throw new SecretNotFoundException($"secret '{secretId}' does not exist (or this function may not read it): {problem}");
                }

                throw new SecretUnavailableException(
                    $"secret '{secretId}': the Parameters and Secrets extension answered {(int)response.StatusCode} {response.ReasonPhrase}: {problem}");
            }
        }
    }

    private static string ParseSecretString(string secretId, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("SecretString", out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Reported below without echoing the body: it may hold the secret.
        }

        throw new SecretFormatException($"secret '{secretId}': the extension's answer has no SecretString (binary secrets are not supported)");
    }

    /// <summary>The start of an error body, one line: errors carry the error type and message, not secret values.</summary>
    private static string Summarize(string body)
    {
        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
