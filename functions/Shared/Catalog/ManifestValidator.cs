using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>Checks a manifest's content; throws <see cref="InvalidInputException"/> naming the first bad field.</summary>
public static class ManifestValidator
{
    public static void Validate(BackupManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var id = manifest.BackupId ?? throw new InvalidInputException("backupId", "is required");
        CheckDefined(manifest.Engine, "engine");
        BackupKeys.ValidateSource(manifest.Source);
        CheckDefined(manifest.Kind, "kind");
        CheckDefined(manifest.RetentionTier, "retentionTier");

        if (manifest.CompletedAt < manifest.StartedAt)
        {
            throw new InvalidInputException("completedAt", "must not be before startedAt");
        }

        Text(manifest.CreatedBy, "createdBy");
        Text(manifest.Tool?.Name, "tool.name");
        Text(manifest.Tool?.Version, "tool.version");
        if (manifest.ServerVersion is not null)
        {
            Text(manifest.ServerVersion, "serverVersion");
        }

        CheckDefined(manifest.Encryption?.Mode ?? (EncryptionMode)(-1), "encryption.mode");
        if (manifest.Encryption!.Mode == EncryptionMode.SseKms)
        {
            Text(manifest.Encryption.KmsKeyId, "encryption.kmsKeyId");
        }

        if (manifest.Objects is null)
        {
            throw new InvalidInputException("objects", "is required");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < manifest.Objects.Count; i++)
        {
            var o = manifest.Objects[i] ?? throw new InvalidInputException($"objects[{i}]", "must not be null");
            var field = $"objects[{i}]";
            BackupKeys.ValidateObjectName(o.Name, field + ".name");
            if (!names.Add(o.Name))
            {
                throw new InvalidInputException(field + ".name", $"'{o.Name}' appears more than once");
            }

            var expectedKey = BackupKeys.DataObject(manifest.Engine, manifest.Source, id, o.Name);
            if (!string.Equals(o.Key, expectedKey, StringComparison.Ordinal))
            {
                throw new InvalidInputException(field + ".key", $"must be '{expectedKey}' (the key scheme's place for this object)");
            }

            Hex(o.Sha256, field + ".sha256");
            Hex(o.StoredSha256, field + ".storedSha256");
            if (o.Size < 0 || o.StoredSize < 0)
            {
                throw new InvalidInputException(field + ".size", "must not be negative");
            }

            CheckDefined(o.Compression, field + ".compression");
            if (o.Compression == Compression.None && (o.Size != o.StoredSize || o.Sha256 != o.StoredSha256))
            {
                throw new InvalidInputException(field + ".storedSha256", "must equal sha256 (and storedSize size) for an uncompressed object");
            }

            Text(o.ContentType, field + ".contentType");
            if (o.PartCount < 1)
            {
                throw new InvalidInputException(field + ".partCount", "must be at least 1");
            }
        }

        for (var i = 0; i < (manifest.Contents?.Count ?? 0); i++)
        {
            var c = manifest.Contents![i];
            Text(c?.Name, $"contents[{i}].name");
            if (c!.Count < 0)
            {
                throw new InvalidInputException($"contents[{i}].count", "must not be negative");
            }
        }

        if ((manifest.RetainUntil is null) != (manifest.LockMode is null))
        {
            throw new InvalidInputException("lockMode", "retainUntil and lockMode go together");
        }
    }

    internal static string Text(string? value, string field, int maxLength = 256)
    {
        Require.NotBlank(value, field);
        if (value!.Length > maxLength)
        {
            throw new InvalidInputException(field, $"must be at most {maxLength} characters, was {value.Length}");
        }

        if (value.Any(char.IsControl))
        {
            throw new InvalidInputException(field, $"must not contain control characters, was '{BackupId.Printable(value)}'");
        }

        return value;
    }

    private static void Hex(string? value, string field)
    {
        if (value is null || value.Length != 64 || !value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            throw new InvalidInputException(field, "must be 64 lower-case hex digits (SHA-256)");
        }
    }

    private static void CheckDefined<T>(T value, string field)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new InvalidInputException(field, $"has an unknown value {value}");
        }
    }
}
