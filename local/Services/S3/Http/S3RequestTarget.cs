using DisasterRecovery.LocalS3.Auth;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>
/// The request target of a path-style S3 request, read from the raw request line. ASP.NET Core's
/// decoded Path removes dot segments and merges slashes, which would corrupt keys such as "a/../b" or "x//y",
/// so bucket and key are decoded here from the bytes the client sent.
/// </summary>
internal sealed class S3RequestTarget
{
    private S3RequestTarget(string rawPath, string? bucket, string? key, List<KeyValuePair<string, string>> rawQueryPairs)
    {
        RawPath = rawPath;
        Bucket = bucket;
        Key = key;
        RawQueryPairs = rawQueryPairs;
        Query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in rawQueryPairs)
        {
            Query.TryAdd(name, value);
        }
    }

    /// <summary>The path exactly as sent (still percent-encoded), used for signature checks.</summary>
    public string RawPath { get; }

    /// <summary>The bucket name (first path segment), or null for service-level requests.</summary>
    public string? Bucket { get; }

    /// <summary>The object key (everything after the bucket and its slash, decoded), or null for bucket-level requests.</summary>
    public string? Key { get; }

    /// <summary>Decoded query parameters in the order sent, duplicates kept (SigV4 signs them all).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RawQueryPairs { get; }

    /// <summary>Decoded query parameters by name (first occurrence wins).</summary>
    public Dictionary<string, string> Query { get; }

    public bool Has(string name) => Query.ContainsKey(name);

    public string? Get(string name) => Query.TryGetValue(name, out var value) ? value : null;

    public static S3RequestTarget Parse(string rawTarget)
    {
        var questionMark = rawTarget.IndexOf('?');
        var rawPath = questionMark < 0 ? rawTarget : rawTarget[..questionMark];
        var rawQuery = questionMark < 0 ? string.Empty : rawTarget[(questionMark + 1)..];
        if (!rawPath.StartsWith('/'))
        {
            throw new S3Exception(S3Errors.InvalidURI);
        }

        string? bucket = null, key = null;
        var afterSlash = rawPath[1..];
        if (afterSlash.Length > 0)
        {
            var slash = afterSlash.IndexOf('/');
            bucket = AwsUriEncoding.Decode(slash < 0 ? afterSlash : afterSlash[..slash]);
            if (slash >= 0 && slash + 1 < afterSlash.Length)
            {
                key = AwsUriEncoding.Decode(afterSlash[(slash + 1)..]);
            }
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var piece in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = piece.IndexOf('=');
            var name = AwsUriEncoding.Decode(equals < 0 ? piece : piece[..equals]);
            var value = equals < 0 ? string.Empty : AwsUriEncoding.Decode(piece[(equals + 1)..]);
            pairs.Add(new KeyValuePair<string, string>(name, value));
        }

        return new S3RequestTarget(rawPath, bucket, key, pairs);
    }
}
