using System.Text.Json;
using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>Manifest bytes in and out, with the schema version checked before anything else.</summary>
public static class ManifestSerializer
{
    /// <summary>The manifest's canonical bytes (UTF-8 JSON). Validates it first.</summary>
    public static byte[] Serialize(BackupManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        CheckVersion(manifest.SchemaVersion, "the manifest to write");
        ManifestValidator.Validate(manifest);
        return JsonSerializer.SerializeToUtf8Bytes(manifest, CatalogJsonContext.Default.BackupManifest);
    }

    /// <summary>
    /// Parses manifest bytes. The schema version is read first: any version but
    /// <see cref="BackupManifest.CurrentSchemaVersion"/>, or JSON that does not match it, is a
    /// <see cref="ManifestSchemaException"/> naming <paramref name="where"/>.
    /// </summary>
    public static BackupManifest Parse(ReadOnlySpan<byte> json, string where)
    {
        int version;
        try
        {
            version = ReadSchemaVersion(json, where);
        }
        catch (JsonException e)
        {
            throw new ManifestSchemaException($"{where} is not valid JSON: {FirstSentence(e.Message)}", e);
        }

        CheckVersion(version, where);
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, CatalogJsonContext.Default.BackupManifest);
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? string.Empty : $" at {e.Path}";
            throw new ManifestSchemaException($"{where} does not match manifest schema version {version}{path}: {FirstSentence(e.Message)}", e);
        }

        if (manifest is null)
        {
            throw new ManifestSchemaException($"{where} is JSON null, not a manifest");
        }

        try
        {
            ManifestValidator.Validate(manifest);
        }
        catch (InvalidInputException e)
        {
            throw new ManifestSchemaException($"{where} is not a valid manifest: {e.Message}", e);
        }

        return manifest;
    }

    private static void CheckVersion(int version, string where)
    {
        if (version != BackupManifest.CurrentSchemaVersion)
        {
            throw new ManifestSchemaException(
                $"{where} has schemaVersion {version}; this code reads and writes only schemaVersion " +
                $"{BackupManifest.CurrentSchemaVersion}. Nothing was changed");
        }
    }

    private static int ReadSchemaVersion(ReadOnlySpan<byte> json, string where)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ManifestSchemaException($"{where} is not a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isVersion = reader.ValueTextEquals("schemaVersion"u8);
            reader.Read();
            if (isVersion)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var version))
                {
                    throw new ManifestSchemaException($"{where} has a schemaVersion that is not an integer");
                }

                return version;
            }

            reader.Skip();
        }

        throw new ManifestSchemaException($"{where} has no schemaVersion; it is not a manifest this code can read");
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
