using DisasterRecovery.Core;

namespace DisasterRecovery.Secrets;

/// <summary>
/// The secret source of a function running as an ECS task (job mode): there is no Parameters and Secrets extension
/// on Fargate, so the task definition injects the stack's database secret (ECS <c>Secrets</c>, ValueFrom = its ARN) into
/// <c>DB_SECRET_JSON</c>. It serves that one secret, under the id in <c>DB_SECRET_ID</c>, and refuses any other id.
/// </summary>
public sealed class InjectedSecretSource : ISecretSource
{
    /// <summary>The variable ECS fills with the secret's SecretString.</summary>
    public const string ValueVariable = "DB_SECRET_JSON";

    /// <summary>The secret id the injected value answers to.</summary>
    public const string IdVariable = "DB_SECRET_ID";

    private readonly string _secretId;
    private readonly string _secretString;

    public InjectedSecretSource(string secretId, string secretString)
    {
        _secretId = Require.NotBlank(secretId, IdVariable);
        _secretString = secretString;
    }

    /// <inheritdoc />
    public Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken)
    {
        Require.NotBlank(secretId, "secretId");
        return secretId == _secretId
            ? Task.FromResult(_secretString)
            : throw new SecretNotFoundException(
                $"secret '{secretId}' cannot be read in job mode: an ECS task is given only its stack's database secret " +
                $"('{_secretId}', injected as {ValueVariable}); run this request as a Lambda invocation instead");
    }
}

/// <summary>Which secret source a function uses, from its environment.</summary>
public static class SecretSources
{
    /// <summary>
    /// <see cref="InjectedSecretSource"/> when <c>DB_SECRET_JSON</c> is set (an ECS task), else the Parameters and
    /// Secrets extension (<see cref="SecretsExtensionClient.FromEnvironment"/>).
    /// </summary>
    /// <exception cref="FunctionConfigurationException">A variable the chosen source needs is missing or bad.</exception>
    public static ISecretSource FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        if (environment.GetValueOrDefault(InjectedSecretSource.ValueVariable) is { Length: > 0 } injected)
        {
            var secretId = environment.GetValueOrDefault(InjectedSecretSource.IdVariable);
            return string.IsNullOrWhiteSpace(secretId)
                ? throw new FunctionConfigurationException(
                    $"{InjectedSecretSource.ValueVariable} is set but {InjectedSecretSource.IdVariable} is not: " +
                    "the injected secret must say which secret it is")
                : new InjectedSecretSource(secretId, injected);
        }

        return SecretsExtensionClient.FromEnvironment(environment);
    }
}
