using System.Text.Json.Serialization;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisVerify;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RedisVerifyRequest))]
[JsonSerializable(typeof(RedisVerifyResult))]
public sealed partial class RedisVerifyJsonContext : JsonSerializerContext;
