using System.Text.Json.Serialization;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresRestore;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PostgresRestoreRequest))]
[JsonSerializable(typeof(PostgresRestoreResult))]
public sealed partial class PostgresRestoreJsonContext : JsonSerializerContext;
