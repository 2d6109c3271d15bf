using System.Text.Json.Serialization;
using DisasterRecovery.Audit;

namespace DisasterRecovery.Functions.AuditVerify;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AuditVerifyRequest))]
[JsonSerializable(typeof(AuditChainReport))]
public sealed partial class AuditVerifyJsonContext : JsonSerializerContext;
