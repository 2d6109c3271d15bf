using DisasterRecovery.Core;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.TestSupport;

/// <summary>
/// A STAND-IN for the Secrets Manager extension, for tests of the functions and jobs alone: the extension's HTTP endpoint is
/// played by the local cloud and tested there; here secrets come from a dictionary.
/// </summary>
public sealed class SecretSourceForTests : ISecretSource
{
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);

    /// <summary>Stores <paramref name="secretString"/> as the secret <paramref name="id"/>.</summary>
    public void Put(string id, string secretString) => _secrets[id] = secretString;

    public Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken) =>
        _secrets.TryGetValue(secretId, out var value)
            ? Task.FromResult(value)
            : throw new SecretNotFoundException($"secret '{secretId}' does not exist");
}
