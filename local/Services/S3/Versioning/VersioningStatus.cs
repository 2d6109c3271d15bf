using System.Buffers.Binary;
using System.Security.Cryptography;

namespace DisasterRecovery.LocalS3.Versioning;

/// <summary>A bucket's versioning state as S3 names it; empty means never configured.</summary>
internal static class VersioningStatus
{
    public const string Unversioned = "";
    public const string Enabled = "Enabled";
    public const string Suspended = "Suspended";
}

/// <summary>Version ids: "null" for unversioned writes, otherwise opaque URL-safe strings like S3's.</summary>
internal static class VersionIds
{
    public const string Null = "null";

    /// <summary>32 URL-safe characters: the store sequence (so ids sort by age when compared) plus randomness.</summary>
    public static string New(long sequence)
    {
        Span<byte> bytes = stackalloc byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, sequence);
        RandomNumberGenerator.Fill(bytes[8..]);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}
