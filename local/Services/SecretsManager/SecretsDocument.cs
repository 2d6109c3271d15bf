namespace DisasterRecovery.LocalSecretsManager;

/// <summary>What secrets.json holds (owner-only: it contains secret values).</summary>
public sealed class SecretsDocument
{
    public List<StoredSecret> Secrets { get; set; } = [];
}

/// <summary>One secret: its identity and every version it has had.</summary>
public sealed class StoredSecret
{
    public string Name { get; set; } = string.Empty;

    /// <summary>arn:aws:secretsmanager:&lt;region&gt;:&lt;account&gt;:secret:&lt;name&gt;-&lt;6 random characters&gt;.</summary>
    public string Arn { get; set; } = string.Empty;

    public string? Description { get; set; }

    public string? KmsKeyId { get; set; }

    public List<StoredTag> Tags { get; set; } = [];

    public DateTimeOffset CreatedDate { get; set; }

    public DateTimeOffset LastChangedDate { get; set; }

    /// <summary>Oldest first. A version without stages is deprecated but still readable by its id.</summary>
    public List<StoredSecretVersion> Versions { get; set; } = [];
}

/// <summary>One version of a secret's value. A class, not a record: a record's ToString would print the value.</summary>
public sealed class StoredSecretVersion
{
    public string VersionId { get; set; } = string.Empty;

    public string? SecretString { get; set; }

    /// <summary>Base64, as Step Functions passes blobs.</summary>
    public string? SecretBinary { get; set; }

    public List<string> Stages { get; set; } = [];

    public DateTimeOffset CreatedDate { get; set; }
}

/// <summary>A tag of a secret.</summary>
public sealed class StoredTag
{
    public string? Key { get; set; }

    public string? Value { get; set; }
}
