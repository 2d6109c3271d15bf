using System.Security.Cryptography;
using DisasterRecovery.LocalS3.Auth;
using DisasterRecovery.LocalS3.Http;

namespace DisasterRecovery.LocalS3.Streaming;

/// <summary>
/// Verifies the signature of every chunk of a signed aws-chunked body (STREAMING-AWS4-HMAC-SHA256-PAYLOAD
/// and its -TRAILER variant). Each chunk signature covers the chunk's SHA-256 and the previous signature,
/// starting from the request's seed signature, so a chunk cannot be altered, dropped or reordered.
/// The trailer signature covers the trailing checksum header the same way.
/// </summary>
internal sealed class ChunkSignatureChain
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private readonly SigningContext signing;
    private string previousSignature;

    public ChunkSignatureChain(SigningContext signing)
    {
        this.signing = signing;
        previousSignature = signing.SeedSignature;
    }

    public void VerifyChunk(string? providedSignature, ReadOnlySpan<byte> chunkSha256)
    {
        var stringToSign = string.Join('\n',
            "AWS4-HMAC-SHA256-PAYLOAD",
            signing.AmzDate,
            signing.Scope,
            previousSignature,
            EmptySha256,
            Convert.ToHexStringLower(chunkSha256));
        previousSignature = Check(providedSignature, stringToSign, S3Errors.ChunkSignatureMismatchMessage);
    }

    public void VerifyTrailer(string? providedSignature, string canonicalTrailer)
    {
        var stringToSign = string.Join('\n',
            "AWS4-HMAC-SHA256-TRAILER",
            signing.AmzDate,
            signing.Scope,
            previousSignature,
            SigV4Verifier.HexSha256(canonicalTrailer));
        previousSignature = Check(providedSignature, stringToSign, S3Errors.TrailerSignatureMismatchMessage);
    }

    private string Check(string? providedSignature, string stringToSign, string message)
    {
        var expected = SigV4Verifier.Sign(signing.SigningKey, stringToSign);
        if (providedSignature is null || !SigV4Verifier.FixedTimeEqualsHex(expected, providedSignature))
        {
            throw new S3Exception(S3Errors.SignatureDoesNotMatch, message);
        }

        return expected;
    }

    /// <summary>A fresh SHA-256 for the next chunk's data.</summary>
    public static IncrementalHash NewChunkHash() => IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
}
