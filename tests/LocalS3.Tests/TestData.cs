using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using Amazon.S3;

namespace DisasterRecovery.LocalS3.Tests;

/// <summary>Deterministic test bytes and the checksums S3 clients compute over them.</summary>
internal static class TestData
{
    public static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Crc32Base64(byte[] data)
    {
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, Crc32.HashToUInt32(data));
        return Convert.ToBase64String(value);
    }

    public static string Md5Hex(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));

    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }

    public static string UniqueBucket(string prefix = "bucket") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];

    /// <summary>Asserts an S3 error: its code and HTTP status, as the SDK surfaces them.</summary>
    public static async Task<AmazonS3Exception> AssertS3ErrorAsync(string code, HttpStatusCode status, Func<Task> action)
    {
        var exception = await Assert.ThrowsAnyAsync<AmazonS3Exception>(action);
        Assert.Equal(code, exception.ErrorCode);
        Assert.Equal(status, exception.StatusCode);
        return exception;
    }

    /// <summary>For HEAD requests S3 sends no error body, so only the status is there to check.</summary>
    public static async Task AssertStatusAsync(HttpStatusCode status, Func<Task> action)
    {
        var exception = await Assert.ThrowsAnyAsync<AmazonS3Exception>(action);
        Assert.Equal(status, exception.StatusCode);
    }
}
