using System.Text.Json.Serialization;
using DisasterRecovery.Audit;

namespace DisasterRecovery.Functions.AuditRecord;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AuditRecordRequest))]
[JsonSerializable(typeof(AuditRecordResult))]
public sealed partial class AuditRecordJsonContext : JsonSerializerContext;
