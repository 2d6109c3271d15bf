using System.Text.Json.Serialization;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresVerify;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PostgresVerifyRequest))]
[JsonSerializable(typeof(PostgresVerifyResult))]
public sealed partial class PostgresVerifyJsonContext : JsonSerializerContext;
