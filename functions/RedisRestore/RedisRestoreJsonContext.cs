using System.Text.Json.Serialization;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisRestore;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RedisRestoreRequest))]
[JsonSerializable(typeof(RedisRestoreResult))]
public sealed partial class RedisRestoreJsonContext : JsonSerializerContext;
