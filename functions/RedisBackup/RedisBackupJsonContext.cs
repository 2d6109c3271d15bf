using System.Text.Json.Serialization;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisBackup;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RedisBackupRequest))]
[JsonSerializable(typeof(RedisBackupResult))]
public sealed partial class RedisBackupJsonContext : JsonSerializerContext;
