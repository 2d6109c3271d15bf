namespace DisasterRecovery.LocalSecretsManager;

/// <summary>What CreateSecret asks for. Its <see cref="ToString"/> never shows the value.</summary>
/// <param name="Name">The secret's name (1-512 of letters, digits and /_+=.@!-).</param>
public sealed record NewSecret(string Name)
{
    /// <summary>The value as text (the usual form: JSON for database credentials).</summary>
    public string? SecretString { get; init; }

    /// <summary>The value as a base64 blob.</summary>
    public string? SecretBinary { get; init; }

    public string? Description { get; init; }

    public string? KmsKeyId { get; init; }

    /// <summary>The first version's id (32-64 characters); a new GUID when absent.</summary>
    public string? ClientRequestToken { get; init; }

    public IReadOnlyList<StoredTag> Tags { get; init; } = [];

    /// <summary>The name only.</summary>
    public override string ToString() => $"NewSecret {Name}";
}

/// <summary>What PutSecretValue asks for. Its <see cref="ToString"/> never shows the value.</summary>
public sealed record SecretValueUpdate
{
    public string? SecretString { get; init; }

    /// <summary>Base64.</summary>
    public string? SecretBinary { get; init; }

    /// <summary>The labels of the new version; AWSCURRENT when null.</summary>
    public IReadOnlyList<string>? VersionStages { get; init; }

    /// <summary>The new version's id (32-64 characters); repeating it with the same value is a no-op.</summary>
    public string? ClientRequestToken { get; init; }

    /// <summary>Without the value.</summary>
    public override string ToString() => $"SecretValueUpdate stages {string.Join(",", VersionStages ?? [SecretStore.CurrentStage])}";
}
