using System.Globalization;
using DisasterRecovery.Core;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// A compact encoding (ziplist, listpack, intset, zipmap) stored as one RDB string, with where it starts in the file,
/// so a problem inside it names the file offset of the string and the byte inside the decoded blob.
/// </summary>
internal readonly ref struct EncodedBlob
{
    public EncodedBlob(ReadOnlySpan<byte> bytes, long fileOffset, string what)
    {
        Bytes = bytes;
        FileOffset = fileOffset;
        What = what;
    }

    public ReadOnlySpan<byte> Bytes { get; }

    public long FileOffset { get; }

    public string What { get; }

    public RdbFormatException Problem(int at, string expected, string? found = null) =>
        new(FileOffset, $"{What}: {expected} at byte {at.ToString(CultureInfo.InvariantCulture)} of the {Bytes.Length}-byte blob", found);
}
