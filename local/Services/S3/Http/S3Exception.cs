namespace DisasterRecovery.LocalS3.Http;

/// <summary>
/// Thrown anywhere below the HTTP layer to answer the request with an S3 error document.
/// Headers carry what S3 adds to some errors (x-amz-delete-marker on a 404 for a deleted key, for example).
/// </summary>
internal sealed class S3Exception : Exception
{
    public S3Exception(S3ErrorKind kind, string? message = null)
        : base(message ?? kind.Message)
    {
        Kind = kind;
    }

    public S3ErrorKind Kind { get; }

    /// <summary>Extra response headers S3 sends along with this error.</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Extra child elements of the Error document (Key, BucketName, VersionId, ...).</summary>
    public Dictionary<string, string> Details { get; } = new(StringComparer.Ordinal);

    public S3Exception WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    public S3Exception WithDetail(string name, string? value)
    {
        if (value is not null)
        {
            Details[name] = value;
        }

        return this;
    }
}
