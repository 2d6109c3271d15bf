using System.Text.Json.Serialization;

namespace DisasterRecovery.RedisJobs;

/// <summary>Source-generated JSON for the records the Redis jobs store in the catalog.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(RedisBackupInfo))]
internal sealed partial class RedisJobsJsonContext : JsonSerializerContext;
