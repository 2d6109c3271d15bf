using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

/// <summary>
/// A deliberately small, independent SigV4 signer for hand-made requests the SDK would never send
/// (a tampered aws-chunked body, a lock PUT without checksum). Independent of the server's verifier,
/// so the two cross-check each other.
/// </summary>
internal static class RawRequests
{
    public const string Region = "us-east-1";
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static HttpRequestMessage Signed(
        HttpMethod method,
        Uri endpoint,
        string encodedPath,
        byte[]? body,
        string payloadHash,
        IDictionary<string, string>? extraHeaders = null,
        DateTime? signedAt = null,
        string accessKeyId = LocalS3Host.AccessKeyId,
        string secret = LocalS3Host.SecretAccessKey,
        string query = "")
    {
        var time = signedAt ?? DateTime.UtcNow;
        var amzDate = time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = $"{endpoint.Host}:{endpoint.Port}";
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = host,
            ["x-amz-date"] = amzDate,
            ["x-amz-content-sha256"] = payloadHash,
        };
        foreach (var (name, value) in extraHeaders ?? new Dictionary<string, string>())
        {
            headers[name.ToLowerInvariant()] = value;
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalRequest = string.Join('\n',
            method.Method,
            encodedPath,
            query.Contains('=') ? query : query.Length == 0 ? string.Empty : query + "=",
            string.Concat(headers.Select(header => $"{header.Key}:{header.Value.Trim()}\n")),
            signedHeaders,
            payloadHash);
        var scope = $"{date}/{Region}/s3/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = SigningKey(secret, date);
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

        var request = new HttpRequestMessage(method, new Uri(endpoint, query.Length == 0 ? encodedPath : encodedPath + "?" + query));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        request.Content = new ByteArrayContent(body ?? []);
        foreach (var (name, value) in extraHeaders ?? new Dictionary<string, string>())
        {
            if (name.StartsWith("content-", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    /// <summary>Builds a signed aws-chunked body (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) chained from the seed signature.</summary>
    public static byte[] SignedChunkedBody(byte[] payload, int chunkSize, string seedSignature, string amzDate, string secret = LocalS3Host.SecretAccessKey)
    {
        var date = amzDate[..8];
        var scope = $"{date}/{Region}/s3/aws4_request";
        var key = SigningKey(secret, date);
        var previous = seedSignature;
        using var body = new MemoryStream();
        var offset = 0;
        while (true)
        {
            var length = Math.Min(chunkSize, payload.Length - offset);
            var chunk = payload.AsSpan(offset, length).ToArray();
            var stringToSign = $"AWS4-HMAC-SHA256-PAYLOAD\n{amzDate}\n{scope}\n{previous}\n{Hex(SHA256.HashData([]))}\n{Hex(SHA256.HashData(chunk))}";
            previous = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
            body.Write(Encoding.ASCII.GetBytes($"{length:x};chunk-signature={previous}\r\n"));
            body.Write(chunk);
            body.Write("\r\n"u8);
            offset += length;
            if (length == 0)
            {
                return body.ToArray();
            }
        }
    }

    /// <summary>The Authorization signature of a request built by <see cref="Signed"/>.</summary>
    public static string SignatureOf(HttpRequestMessage request)
    {
        var authorization = request.Headers.GetValues("Authorization").Single();
        return authorization[(authorization.IndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length)..];
    }

    private static byte[] SigningKey(string secret, string date)
    {
        var dateKey = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        var regionKey = HMACSHA256.HashData(dateKey, Encoding.UTF8.GetBytes(Region));
        var serviceKey = HMACSHA256.HashData(regionKey, "s3"u8.ToArray());
        return HMACSHA256.HashData(serviceKey, "aws4_request"u8.ToArray());
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
