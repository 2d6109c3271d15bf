using System.Text.Json.Serialization;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisAssess;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RedisAssessRequest))]
[JsonSerializable(typeof(RedisAssessResult))]
public sealed partial class RedisAssessJsonContext : JsonSerializerContext;
