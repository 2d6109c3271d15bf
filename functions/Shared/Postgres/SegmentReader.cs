using DisasterRecovery.Core;
using DisasterRecovery.Zstd;
using ZstdSharp;

namespace DisasterRecovery.Postgres;

/// <summary>
/// Opens one segment of a dump for reading as SQL text: the byte range, checked against the index's
/// SHA-256 and length as it streams, then decompressed (each zstd frame's own checksum checked too).
/// Damage of either kind surfaces as <see cref="ChecksumMismatchException"/> naming the object.
/// </summary>
internal static class SegmentReader
{
    public static async Task<Stream> OpenAsync(IDumpSource source, DumpSegment segment, CancellationToken cancellationToken)
    {
        var range = await source.OpenRangeAsync(segment.Offset, segment.StoredLength, cancellationToken).ConfigureAwait(false);
        var verified = new VerifiedSegmentStream(range, source, segment);
        return new FriendlyDecompressionStream(ZstdReadStream.Open(verified), source, segment);
    }

    /// <summary>Reads a whole (small) segment as text: post-data, which is schema-sized, never data-sized.</summary>
    public static async Task<string> ReadTextAsync(IDumpSource source, DumpSegment segment, CancellationToken cancellationToken)
    {
        await using var stream = await OpenAsync(source, segment, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Turns zstd's errors (bad magic, bad checksum, truncated frame) into a named checksum error.</summary>
    private sealed class FriendlyDecompressionStream(Stream inner, IDumpSource source, DumpSegment segment) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (Exception e) when (e is ZstdException or InvalidDataException)
            {
                throw Damaged(e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ZstdException or InvalidDataException)
            {
                throw Damaged(e);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private ChecksumMismatchException Damaged(Exception e) =>
            new(source.BackupId, source.ObjectName, source.Key, $"{segment.Describe()} at offset {segment.Offset} is not valid zstd: {e.Message}", e);
    }
}
