namespace DisasterRecovery.LocalSecretsManager;

/// <summary>A secret version that CreateSecret or PutSecretValue wrote (no value).</summary>
/// <param name="Arn">The secret's ARN.</param>
/// <param name="Name">The secret's name.</param>
/// <param name="VersionId">The version, or null when CreateSecret was given no value.</param>
/// <param name="VersionStages">The version's staging labels.</param>
public sealed record SecretVersionRef(string Arn, string Name, string? VersionId, IReadOnlyList<string> VersionStages);

/// <summary>GetSecretValue's answer. A class so that nothing prints the value by accident; <see cref="ToString"/> omits it.</summary>
public sealed class SecretValue(
    string arn, string name, string versionId, string? secretString, string? secretBinary, IReadOnlyList<string> versionStages, DateTimeOffset createdDate)
{
    public string Arn { get; } = arn;

    public string Name { get; } = name;

    public string VersionId { get; } = versionId;

    /// <summary>The value as text, or null for a binary secret.</summary>
    public string? SecretString { get; } = secretString;

    /// <summary>The value as base64, or null for a string secret.</summary>
    public string? SecretBinary { get; } = secretBinary;

    public IReadOnlyList<string> VersionStages { get; } = versionStages;

    /// <summary>When this version was created.</summary>
    public DateTimeOffset CreatedDate { get; } = createdDate;

    /// <summary>Identity only, never the value.</summary>
    public override string ToString() => $"{Name} version {VersionId} ({string.Join(",", VersionStages)})";
}

/// <summary>DescribeSecret's answer: everything but the values.</summary>
/// <param name="Arn">The ARN.</param>
/// <param name="Name">The name.</param>
/// <param name="Description">The description, if any.</param>
/// <param name="KmsKeyId">The KMS key, if one was named.</param>
/// <param name="Tags">The tags.</param>
/// <param name="CreatedDate">When the secret was created.</param>
/// <param name="LastChangedDate">When its value last changed.</param>
/// <param name="VersionIdsToStages">The labelled versions and their labels.</param>
public sealed record SecretDescription(
    string Arn, string Name, string? Description, string? KmsKeyId, IReadOnlyList<StoredTag> Tags, DateTimeOffset CreatedDate,
    DateTimeOffset LastChangedDate, IReadOnlyDictionary<string, IReadOnlyList<string>> VersionIdsToStages);
