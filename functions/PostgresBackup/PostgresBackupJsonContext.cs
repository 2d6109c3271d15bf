using System.Text.Json.Serialization;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresBackup;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PostgresBackupRequest))]
[JsonSerializable(typeof(PostgresBackupResult))]
public sealed partial class PostgresBackupJsonContext : JsonSerializerContext;
