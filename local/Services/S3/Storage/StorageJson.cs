using System.Text.Json.Serialization;

namespace DisasterRecovery.LocalS3.Storage;

/// <summary>Source-generated JSON for the on-disk records: camelCase, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ObjectVersion))]
[JsonSerializable(typeof(BucketRecord))]
[JsonSerializable(typeof(MultipartUpload))]
[JsonSerializable(typeof(UploadedPart))]
internal sealed partial class StorageJson : JsonSerializerContext;
