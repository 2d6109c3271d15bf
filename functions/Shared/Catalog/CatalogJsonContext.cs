using System.Text.Json.Serialization;

namespace DisasterRecovery.Catalog;

/// <summary>
/// Source-generated JSON for everything the catalog stores: camelCase, indented (people read manifests),
/// nulls left out, unknown fields refused. Serialization is deterministic, so the same manifest always
/// gives the same bytes: that is what makes a retried commit recognisable.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowOutOfOrderMetadataProperties = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(BackupManifest))]
[JsonSerializable(typeof(BackupVerification))]
[JsonSerializable(typeof(BackupIndexRecord))]
public sealed partial class CatalogJsonContext : JsonSerializerContext;
