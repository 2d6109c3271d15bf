using System.Text.Json.Serialization;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// Source-generated JSON for the flows' input records and CheckFlowInput's request and result: camelCase, unknown
/// fields refused. A new flow's record is added here and to <see cref="FlowInputCheck.Flows"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PointInTimeRecoveryInput))]
[JsonSerializable(typeof(PostgresBackupInput))]
[JsonSerializable(typeof(RestoreDatabaseInput))]
[JsonSerializable(typeof(ServiceHealthInput))]
[JsonSerializable(typeof(SweepAbandonedInstancesInput))]
[JsonSerializable(typeof(VerifyBackupInput))]
[JsonSerializable(typeof(RedisElastiCacheBackupInput))]
[JsonSerializable(typeof(RestoreRedisInput))]
[JsonSerializable(typeof(CheckFlowInputRequest))]
[JsonSerializable(typeof(CheckFlowInputResult))]
public sealed partial class FlowInputsJsonContext : JsonSerializerContext;
