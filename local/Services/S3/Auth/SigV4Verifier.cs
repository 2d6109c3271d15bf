using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DisasterRecovery.LocalS3.Http;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Auth;

/// <summary>
/// Verifies AWS Signature Version 4 on every request, from the Authorization header or from the
/// X-Amz-* query parameters of a presigned URL, against the one configured access key.
/// </summary>
internal sealed class SigV4Verifier
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    private const string Service = "s3";
    private const string Terminator = "aws4_request";
    private const int MaxPresignedExpirySeconds = 7 * 24 * 3600;

    private readonly string accessKeyId;
    private readonly byte[] secretKeyBytes;
    private readonly string region;
    private readonly TimeProvider time;

    public SigV4Verifier(string accessKeyId, string secretAccessKey, string region, TimeProvider time)
    {
        this.accessKeyId = accessKeyId;
        secretKeyBytes = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        this.region = region;
        this.time = time;
    }

    /// <summary>Checks the request's signature and returns what later body checks need; throws S3Exception otherwise.</summary>
    public SigningContext Verify(HttpRequest request, S3RequestTarget target)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!string.IsNullOrEmpty(authorization))
        {
            return VerifyHeader(request, target, authorization);
        }

        if (target.Query.ContainsKey("X-Amz-Algorithm") || target.Query.ContainsKey("X-Amz-Signature"))
        {
            return VerifyPresigned(request, target);
        }

        throw new S3Exception(S3Errors.AccessDenied, S3Errors.AnonymousMessage);
    }

    private SigningContext VerifyHeader(HttpRequest request, S3RequestTarget target, string authorization)
    {
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            throw new S3Exception(S3Errors.InvalidRequest, S3Errors.UnsupportedAlgorithmMessage);
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var value = part[(equals + 1)..].Trim();
            switch (part[..equals].Trim())
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            throw new S3Exception(S3Errors.AuthorizationHeaderMalformed);
        }

        var payloadHash = request.Headers["x-amz-content-sha256"].ToString();
        if (string.IsNullOrEmpty(payloadHash))
        {
            throw new S3Exception(S3Errors.InvalidRequest, S3Errors.MissingContentSha256Message);
        }

        var amzDate = ReadRequestDate(request);
        var scope = CheckCredential(credential, amzDate, S3Errors.AuthorizationHeaderMalformed);
        var signingKey = DeriveSigningKey(scope.Split('/')[0]);
        var canonicalQuery = CanonicalQuery(target.RawQueryPairs, excludeSignature: false);
        var expected = ComputeSignatures(request, target, signedHeaders, canonicalQuery, payloadHash, amzDate, scope, signingKey);
        if (!expected.Any(candidate => FixedTimeEqualsHex(candidate, signature)))
        {
            throw new S3Exception(S3Errors.SignatureDoesNotMatch);
        }

        return new SigningContext(false, amzDate, scope, signingKey, signature.ToLowerInvariant(), payloadHash);
    }

    private SigningContext VerifyPresigned(HttpRequest request, S3RequestTarget target)
    {
        string Required(string name) => target.Query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new S3Exception(S3Errors.AuthorizationQueryParametersError, $"Query-string authentication version 4 requires the {name} parameter.");

        if (Required("X-Amz-Algorithm") != Algorithm)
        {
            throw new S3Exception(S3Errors.AuthorizationQueryParametersError, S3Errors.UnsupportedAlgorithmMessage);
        }

        var credential = Required("X-Amz-Credential");
        var amzDate = Required("X-Amz-Date");
        var signedHeaders = Required("X-Amz-SignedHeaders");
        var signature = Required("X-Amz-Signature");
        if (!int.TryParse(Required("X-Amz-Expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires > MaxPresignedExpirySeconds)
        {
            throw new S3Exception(S3Errors.AuthorizationQueryParametersError, "X-Amz-Expires must be a number of seconds no greater than 604800.");
        }

        var signedAt = ParseAmzDate(amzDate);
        var scope = CheckCredential(credential, amzDate, S3Errors.AuthorizationQueryParametersError);
        if (time.GetUtcNow() > signedAt.AddSeconds(expires))
        {
            throw new S3Exception(S3Errors.AccessDenied, S3Errors.RequestExpiredMessage);
        }

        var payloadHash = target.Query.TryGetValue("X-Amz-Content-Sha256", out var queryHash) && queryHash.Length > 0
            ? queryHash
            : UnsignedPayload;
        var signingKey = DeriveSigningKey(scope.Split('/')[0]);
        var canonicalQuery = CanonicalQuery(target.RawQueryPairs, excludeSignature: true);
        var expected = ComputeSignatures(request, target, signedHeaders, canonicalQuery, payloadHash, amzDate, scope, signingKey);
        if (!expected.Any(candidate => FixedTimeEqualsHex(candidate, signature)))
        {
            throw new S3Exception(S3Errors.SignatureDoesNotMatch);
        }

        return new SigningContext(true, amzDate, scope, signingKey, signature.ToLowerInvariant(), payloadHash);
    }

    /// <summary>Checks AKID/date/region/s3/aws4_request and returns the scope (everything after the key id).</summary>
    private string CheckCredential(string credential, string amzDate, S3ErrorKind malformed)
    {
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[3] != Service || parts[4] != Terminator)
        {
            throw new S3Exception(malformed);
        }

        if (parts[0] != accessKeyId)
        {
            throw new S3Exception(S3Errors.InvalidAccessKeyId).WithDetail("AWSAccessKeyId", parts[0]);
        }

        if (parts[2] != region)
        {
            throw new S3Exception(malformed, string.Format(CultureInfo.InvariantCulture, S3Errors.WrongRegionMessage, parts[2], region))
                .WithDetail("Region", region);
        }

        if (!amzDate.StartsWith(parts[1], StringComparison.Ordinal))
        {
            throw new S3Exception(malformed, "The credential date does not match the request date.");
        }

        return string.Join('/', parts, 1, 4);
    }

    /// <summary>
    /// Computes the expected signature for the S3 canonical path (decoded once and re-encoded per SigV4)
    /// and, when a client sent a path encoded differently, for the path exactly as it was sent.
    /// </summary>
    private static List<string> ComputeSignatures(
        HttpRequest request,
        S3RequestTarget target,
        string signedHeaders,
        string canonicalQuery,
        string payloadHash,
        string amzDate,
        string scope,
        byte[] signingKey)
    {
        var canonicalHeaders = CanonicalHeaders(request, signedHeaders);
        var paths = new List<string> { AwsUriEncoding.Encode(AwsUriEncoding.Decode(target.RawPath), encodeSlash: false) };
        if (paths[0] != target.RawPath)
        {
            paths.Add(target.RawPath);
        }

        return paths
            .Select(path => string.Join('\n', request.Method, path, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash))
            .Select(canonicalRequest => Sign(signingKey, string.Join('\n', Algorithm, amzDate, scope, HexSha256(canonicalRequest))))
            .ToList();
    }

    private static string CanonicalHeaders(HttpRequest request, string signedHeaders)
    {
        var builder = new StringBuilder();
        foreach (var name in signedHeaders.Split(';'))
        {
            var values = name == "host" ? [request.Host.Value ?? string.Empty] : request.Headers[name].ToArray();
            builder.Append(name).Append(':')
                .Append(string.Join(',', values.Select(value => CollapseWhitespace(value ?? string.Empty))))
                .Append('\n');
        }

        return builder.ToString();
    }

    private static string CanonicalQuery(IReadOnlyList<KeyValuePair<string, string>> rawPairs, bool excludeSignature)
    {
        return string.Join('&', rawPairs
            .Where(pair => !(excludeSignature && pair.Key == "X-Amz-Signature"))
            .Select(pair => (Name: AwsUriEncoding.Encode(pair.Key, encodeSlash: true), Value: AwsUriEncoding.Encode(pair.Value, encodeSlash: true)))
            .OrderBy(pair => pair.Name, StringComparer.Ordinal)
            .ThenBy(pair => pair.Value, StringComparer.Ordinal)
            .Select(pair => pair.Name + "=" + pair.Value));
    }

    private static string CollapseWhitespace(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var builder = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            var isSpace = c == ' ';
            if (!(isSpace && previousSpace))
            {
                builder.Append(c);
            }

            previousSpace = isSpace;
        }

        return builder.ToString();
    }

    private static string ReadRequestDate(HttpRequest request)
    {
        var amzDate = request.Headers["x-amz-date"].ToString();
        if (!string.IsNullOrEmpty(amzDate))
        {
            ParseAmzDate(amzDate);
            return amzDate;
        }

        if (DateTimeOffset.TryParseExact(request.Headers.Date.ToString(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        }

        throw new S3Exception(S3Errors.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
    }

    private static DateTimeOffset ParseAmzDate(string amzDate)
    {
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            throw new S3Exception(S3Errors.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
        }

        return parsed;
    }

    private byte[] DeriveSigningKey(string dateStamp)
    {
        var dateKey = HMACSHA256.HashData(secretKeyBytes, Encoding.UTF8.GetBytes(dateStamp));
        var regionKey = HMACSHA256.HashData(dateKey, Encoding.UTF8.GetBytes(region));
        var serviceKey = HMACSHA256.HashData(regionKey, Encoding.UTF8.GetBytes(Service));
        return HMACSHA256.HashData(serviceKey, Encoding.UTF8.GetBytes(Terminator));
    }

    /// <summary>HMAC-SHA256 of a string to sign, lower-case hex: the signature format of SigV4.</summary>
    public static string Sign(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    public static string HexSha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Constant-time comparison so a signature cannot be guessed byte by byte from timings.</summary>
    public static bool FixedTimeEqualsHex(string expected, string provided) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected),
            Encoding.ASCII.GetBytes(provided.ToLowerInvariant()));
}
