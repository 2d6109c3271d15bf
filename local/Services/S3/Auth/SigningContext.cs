namespace DisasterRecovery.LocalS3.Auth;

/// <summary>
/// What a verified request's signature established, kept for verifying the rest of the request:
/// the signed aws-chunked variants chain each chunk's signature to this seed.
/// </summary>
/// <param name="IsPresigned">The signature came from the query string (a presigned URL).</param>
/// <param name="AmzDate">The request time in ISO 8601 basic format, as signed.</param>
/// <param name="Scope">date/region/s3/aws4_request.</param>
/// <param name="SigningKey">The derived HMAC key for this date and region.</param>
/// <param name="SeedSignature">The request signature, lower-case hex.</param>
/// <param name="PayloadHash">The signed x-amz-content-sha256 value (UNSIGNED-PAYLOAD for presigned URLs).</param>
internal sealed record SigningContext(
    bool IsPresigned,
    string AmzDate,
    string Scope,
    byte[] SigningKey,
    string SeedSignature,
    string PayloadHash);
