using DisasterRecovery.Core;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// A STAND-IN for the Secrets Manager extension, for tests of the jobs alone: the extension's HTTP endpoint is played by the
/// local cloud and tested there; here secrets come from a dictionary.
/// </summary>
internal sealed class SecretSourceForTests : ISecretSource
{
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);

    public void Put(string id, string secretString) => _secrets[id] = secretString;

    public Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken) =>
        _secrets.TryGetValue(secretId, out var value)
            ? Task.FromResult(value)
            : throw new SecretNotFoundException($"secret '{secretId}' does not exist");
}
