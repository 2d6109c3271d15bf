using System.Text.Json.Serialization;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.SweepTemporary;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(SweepTemporaryRequest))]
[JsonSerializable(typeof(SweepTemporaryResult))]
public sealed partial class SweepTemporaryJsonContext : JsonSerializerContext;
