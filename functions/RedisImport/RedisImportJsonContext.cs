using System.Text.Json.Serialization;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisImport;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RedisImportRequest))]
[JsonSerializable(typeof(RedisImportResult))]
public sealed partial class RedisImportJsonContext : JsonSerializerContext;
