using System.Text.Json.Serialization;
using DisasterRecovery.TableRecovery;

namespace DisasterRecovery.Functions.TableRecovery;

/// <summary>Source-generated JSON for this function's records: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TableRecoveryRequest))]
[JsonSerializable(typeof(TableRecoveryResult))]
public sealed partial class TableRecoveryJsonContext : JsonSerializerContext;
