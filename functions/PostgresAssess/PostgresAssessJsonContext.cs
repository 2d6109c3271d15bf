using System.Text.Json.Serialization;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresAssess;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PostgresAssessRequest))]
[JsonSerializable(typeof(PostgresAssessResult))]
public sealed partial class PostgresAssessJsonContext : JsonSerializerContext;
