using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace DisasterRecovery.LocalS3.Streaming;

/// <summary>The flexible checksum algorithms S3 accepts (x-amz-checksum-*).</summary>
internal enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}

/// <summary>Names of the algorithms as they appear in headers, XML element names and the checksum-algorithm header.</summary>
internal static class ChecksumAlgorithms
{
    public static readonly ChecksumAlgorithm[] All =
        [ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha256];

    /// <summary>Upper-case wire name: CRC32, CRC32C, CRC64NVME, SHA1, SHA256.</summary>
    public static string WireName(this ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        _ => "SHA256",
    };

    /// <summary>The request/response header carrying this checksum, e.g. x-amz-checksum-crc32.</summary>
    public static string HeaderName(this ChecksumAlgorithm algorithm) => "x-amz-checksum-" + algorithm.WireName().ToLowerInvariant();

    /// <summary>The XML element carrying this checksum in S3 documents, e.g. ChecksumCRC32.</summary>
    public static string XmlElementName(this ChecksumAlgorithm algorithm) => "Checksum" + algorithm.WireName();

    public static ChecksumAlgorithm? Parse(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        foreach (var algorithm in All)
        {
            if (string.Equals(algorithm.WireName(), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return algorithm;
            }
        }

        return null;
    }

    /// <summary>Maps a header name like x-amz-checksum-crc32 back to its algorithm.</summary>
    public static ChecksumAlgorithm? FromHeaderName(string headerName)
    {
        foreach (var algorithm in All)
        {
            if (string.Equals(algorithm.HeaderName(), headerName.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return algorithm;
            }
        }

        return null;
    }

    /// <summary>The number of raw bytes of a checksum, to validate base64 values cheaply.</summary>
    public static int SizeInBytes(this ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        _ => 32,
    };

    /// <summary>Checksum of a whole buffer, base64 encoded as S3 sends it.</summary>
    public static string ComputeBase64(this ChecksumAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        var hasher = new StreamingChecksum(algorithm);
        hasher.Append(data);
        return hasher.GetBase64();
    }
}

/// <summary>
/// Incremental checksum over a stream of bytes. CRCs are rendered big-endian, as S3 and the SDKs do
/// (System.IO.Hashing's own byte output is little-endian, so the integer value is used instead).
/// </summary>
internal sealed class StreamingChecksum
{
    private readonly Crc32? crc32;
    private readonly Crc64? crc64;
    private readonly IncrementalHash? hash;

    public StreamingChecksum(ChecksumAlgorithm algorithm)
    {
        Algorithm = algorithm;
        switch (algorithm)
        {
            case ChecksumAlgorithm.Crc32:
                crc32 = new Crc32(Crc32ParameterSet.Crc32);
                break;
            case ChecksumAlgorithm.Crc32C:
                crc32 = new Crc32(Crc32ParameterSet.Crc32C);
                break;
            case ChecksumAlgorithm.Crc64Nvme:
                crc64 = new Crc64(Crc64ParameterSet.Nvme);
                break;
            case ChecksumAlgorithm.Sha1:
                hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
                break;
            default:
                hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                break;
        }
    }

    public ChecksumAlgorithm Algorithm { get; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (crc32 is not null)
        {
            crc32.Append(data);
        }
        else if (crc64 is not null)
        {
            crc64.Append(data);
        }
        else
        {
            hash!.AppendData(data);
        }
    }

    public byte[] GetBytes()
    {
        if (crc32 is not null)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, crc32.GetCurrentHashAsUInt32());
            return bytes;
        }

        if (crc64 is not null)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, crc64.GetCurrentHashAsUInt64());
            return bytes;
        }

        return hash!.GetCurrentHash();
    }

    public string GetBase64() => Convert.ToBase64String(GetBytes());
}
