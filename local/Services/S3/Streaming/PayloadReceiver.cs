using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using DisasterRecovery.LocalS3.Auth;
using DisasterRecovery.LocalS3.Http;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Streaming;

/// <summary>How a request body must be received and which checksum to keep for it.</summary>
/// <param name="DefaultAlgorithm">Algorithm computed when the client names none (S3 computes CRC64NVME for objects).</param>
/// <param name="MaxLength">Refuse bodies longer than this (configuration documents are small).</param>
/// <param name="ChecksumHeadersDescribeObject">
/// True for CompleteMultipartUpload, whose x-amz-checksum-* headers state the whole object's checksum,
/// not the checksum of the XML body.
/// </param>
internal sealed record PayloadOptions(ChecksumAlgorithm? DefaultAlgorithm, long MaxLength = long.MaxValue, bool ChecksumHeadersDescribeObject = false);

/// <summary>What was received: the decoded length, its MD5 (the ETag) and the checksum kept with it.</summary>
internal sealed record ReceivedPayload(long Length, byte[] Md5, ChecksumAlgorithm? ChecksumAlgorithm, string? ChecksumBase64)
{
    public string ETag => Convert.ToHexStringLower(Md5);
}

/// <summary>
/// Receives a request body into a destination stream while verifying everything the client asserted
/// about it: x-amz-content-sha256 (signed payloads), the aws-chunked framing and chunk signatures,
/// Content-MD5, and the x-amz-checksum-* header or trailer. The body is streamed through one pooled buffer.
/// </summary>
internal static class PayloadReceiver
{
    public const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public const string StreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    private const int BufferSize = 1024 * 1024;

    /// <summary>True when the request carries an integrity check S3 accepts for Object Lock puts.</summary>
    public static bool HasIntegrityCheck(HttpRequest request) =>
        request.Headers.ContainsKey("Content-MD5")
        || ChecksumAlgorithms.All.Any(algorithm => request.Headers.ContainsKey(algorithm.HeaderName()))
        || ChecksumAlgorithms.FromHeaderName(request.Headers["x-amz-trailer"].ToString()) is not null
        || ChecksumAlgorithms.Parse(request.Headers["x-amz-sdk-checksum-algorithm"].ToString()) is not null;

    /// <summary>The checksum algorithm the request names, in a header with its value, the trailer or the SDK hint.</summary>
    public static ChecksumAlgorithm? DeclaredAlgorithm(HttpRequest request)
    {
        EnsureKnownChecksums(request);
        var headerAlgorithms = ChecksumAlgorithms.All.Where(algorithm => request.Headers.ContainsKey(algorithm.HeaderName())).ToList();
        if (headerAlgorithms.Count > 1)
        {
            throw new S3Exception(S3Errors.InvalidRequest, S3Errors.MultipleChecksumsMessage);
        }

        return headerAlgorithms.Count == 1
            ? headerAlgorithms[0]
            : ChecksumAlgorithms.FromHeaderName(request.Headers["x-amz-trailer"].ToString())
                ?? ChecksumAlgorithms.Parse(request.Headers["x-amz-sdk-checksum-algorithm"].ToString());
    }

    /// <summary>
    /// Refuses checksum algorithms this server cannot verify (newer SDKs know SHA512, XXHASH...): accepting
    /// them unverified would silently drop the integrity check the client asked for.
    /// </summary>
    private static void EnsureKnownChecksums(HttpRequest request)
    {
        foreach (var header in request.Headers.Keys)
        {
            if (header.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase)
                && ChecksumAlgorithms.FromHeaderName(header) is null
                && !NonAlgorithmChecksumHeaders.Contains(header))
            {
                throw new S3Exception(S3Errors.NotImplemented, $"The checksum header {header} is not supported by this endpoint.");
            }
        }

        var trailer = request.Headers["x-amz-trailer"].ToString();
        var hint = request.Headers["x-amz-sdk-checksum-algorithm"].ToString();
        if ((trailer.Length > 0 && ChecksumAlgorithms.FromHeaderName(trailer) is null)
            || (hint.Length > 0 && ChecksumAlgorithms.Parse(hint) is null))
        {
            throw new S3Exception(S3Errors.NotImplemented, "The requested checksum algorithm is not supported by this endpoint.");
        }
    }

    private static readonly HashSet<string> NonAlgorithmChecksumHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-amz-checksum-mode", "x-amz-checksum-algorithm", "x-amz-checksum-type",
    };

    public static async Task<ReceivedPayload> ReceiveAsync(
        HttpRequest request,
        SigningContext signing,
        Stream destination,
        PayloadOptions options,
        CancellationToken cancellationToken)
    {
        var payloadHash = signing.PayloadHash;
        var isStreaming = payloadHash.StartsWith("STREAMING-", StringComparison.Ordinal);
        var expectedLength = request.ContentLength;
        Stream source = request.Body;
        AwsChunkedStream? chunked = null;
        if (isStreaming)
        {
            chunked = OpenChunked(request, signing, payloadHash, out expectedLength);
            source = chunked;
        }

        if (expectedLength > options.MaxLength)
        {
            throw new S3Exception(S3Errors.InvalidRequest, "The request body is too large for this operation.");
        }

        var algorithm = options.ChecksumHeadersDescribeObject
            ? ChecksumAlgorithms.FromHeaderName(request.Headers["x-amz-trailer"].ToString())
            : DeclaredAlgorithm(request) ?? options.DefaultAlgorithm;
        var headerChecksum = algorithm is null || options.ChecksumHeadersDescribeObject
            ? null
            : NullIfEmpty(request.Headers[algorithm.Value.HeaderName()].ToString());
        var contentMd5 = ReadContentMd5(request);
        var signedSha256 = !isStreaming && payloadHash.Length == 64 && payloadHash.All(Uri.IsHexDigit) ? payloadHash : null;

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha256 = signedSha256 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var checksum = algorithm is null ? null : new StreamingChecksum(algorithm.Value);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            while (true)
            {
                // Fill the whole buffer before writing: fewer, larger disk writes for small network reads.
                var filled = 0;
                int read;
                while (filled < BufferSize && (read = await source.ReadAsync(buffer.AsMemory(filled, BufferSize - filled), cancellationToken)) > 0)
                {
                    filled += read;
                }

                if (filled == 0)
                {
                    break;
                }

                var block = buffer.AsMemory(0, filled);
                md5.AppendData(block.Span);
                sha256?.AppendData(block.Span);
                checksum?.Append(block.Span);
                total += filled;
                if (total > options.MaxLength)
                {
                    throw new S3Exception(S3Errors.InvalidRequest, "The request body is too large for this operation.");
                }

                await destination.WriteAsync(block, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (expectedLength is not null && total != expectedLength)
        {
            throw new S3Exception(S3Errors.IncompleteBody, isStreaming ? S3Errors.DecodedLengthMismatchMessage : null);
        }

        if (sha256 is not null && !string.Equals(Convert.ToHexStringLower(sha256.GetHashAndReset()), signedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new S3Exception(S3Errors.XAmzContentSHA256Mismatch);
        }

        var md5Bytes = md5.GetHashAndReset();
        if (contentMd5 is not null && !contentMd5.AsSpan().SequenceEqual(md5Bytes))
        {
            throw new S3Exception(S3Errors.BadDigest);
        }

        string? checksumValue = null;
        if (checksum is not null)
        {
            checksumValue = checksum.GetBase64();
            var expected = headerChecksum;
            if (expected is null && chunked is not null && chunked.Trailers.TryGetValue(algorithm!.Value.HeaderName(), out var trailerValue))
            {
                expected = trailerValue;
            }

            if (expected is null && ChecksumAlgorithms.FromHeaderName(request.Headers["x-amz-trailer"].ToString()) is not null)
            {
                throw new S3Exception(S3Errors.InvalidRequest, "The x-amz-trailer header names a checksum the body did not carry.");
            }

            if (expected is not null && expected != checksumValue)
            {
                throw new S3Exception(S3Errors.BadDigest,
                    string.Format(CultureInfo.InvariantCulture, S3Errors.ChecksumMismatchMessage, algorithm!.Value.WireName().ToLowerInvariant()));
            }
        }

        return new ReceivedPayload(total, md5Bytes, algorithm, checksumValue);
    }

    /// <summary>Reads a small body (an XML document) fully, with the same verification as object bodies.</summary>
    public static async Task<byte[]> ReadSmallAsync(HttpRequest request, SigningContext signing, CancellationToken cancellationToken,
        bool checksumHeadersDescribeObject = false)
    {
        using var memory = new MemoryStream();
        await ReceiveAsync(request, signing, memory, new PayloadOptions(DefaultAlgorithm: null, MaxLength: 16 * 1024 * 1024, checksumHeadersDescribeObject),
            cancellationToken);
        return memory.ToArray();
    }

    private static AwsChunkedStream OpenChunked(HttpRequest request, SigningContext signing, string payloadHash, out long? decodedLength)
    {
        var signed = payloadHash switch
        {
            StreamingUnsignedTrailer => false,
            StreamingSigned or StreamingSignedTrailer => true,
            _ => throw new S3Exception(S3Errors.NotImplemented, $"x-amz-content-sha256 '{payloadHash}' is not supported."),
        };
        if (!long.TryParse(request.Headers["x-amz-decoded-content-length"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new S3Exception(S3Errors.MissingContentLength, S3Errors.MissingDecodedLengthMessage);
        }

        decodedLength = length;
        var chain = signed ? new ChunkSignatureChain(signing) : null;
        return new AwsChunkedStream(request.Body, chain, trailerIsSigned: payloadHash == StreamingSignedTrailer);
    }

    private static byte[]? ReadContentMd5(HttpRequest request)
    {
        var header = request.Headers["Content-MD5"].ToString();
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        var bytes = new byte[16];
        if (!Convert.TryFromBase64String(header.Trim(), bytes, out var written) || written != 16)
        {
            throw new S3Exception(S3Errors.InvalidDigest);
        }

        return bytes;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
