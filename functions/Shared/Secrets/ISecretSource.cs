namespace DisasterRecovery.Secrets;

/// <summary>Where a function reads a secret's current value from.</summary>
public interface ISecretSource
{
    /// <summary>The secret's SecretString (AWSCURRENT).</summary>
    /// <exception cref="DisasterRecovery.Core.SecretNotFoundException">No such secret.</exception>
    /// <exception cref="DisasterRecovery.Core.SecretUnavailableException">It could not be read.</exception>
    Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken);
}
