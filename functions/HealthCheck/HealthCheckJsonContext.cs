using System.Text.Json.Serialization;
using DisasterRecovery.HealthChecks;

namespace DisasterRecovery.Functions.HealthCheck;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(HealthCheckRequest))]
[JsonSerializable(typeof(HealthCheckResult))]
public sealed partial class HealthCheckJsonContext : JsonSerializerContext;
