using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalRds.Postgres;

/// <summary>
/// Reads a WAL archive folder: the newest transaction time it holds, which is an instance's
/// LatestRestorableTime. Archived segments never change, so each segment is read with pg_waldump once.
/// </summary>
internal sealed partial class WalArchive(PostgresHost host)
{
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), DateTimeOffset?> _segments = new();

    /// <summary>
    /// The commit/abort time of the newest transaction in the archive, looking back from the newest segment no
    /// further than <paramref name="oldestUsefulSegment"/> (the oldest base backup's first segment); null when none.
    /// Only files of exactly <paramref name="segmentSize"/> bytes count: anything else is a copy in progress.
    /// </summary>
    public async Task<DateTimeOffset?> LatestTransactionTimeAsync(string archive, long segmentSize, string oldestUsefulSegment, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(archive))
        {
            return null;
        }

        var floor = oldestUsefulSegment.Length == 24 ? oldestUsefulSegment[8..] : string.Empty;
        var segments = Directory.EnumerateFiles(archive)
            .Select(path => new FileInfo(path))
            .Where(file => SegmentName().IsMatch(file.Name) && file.Length == segmentSize)
            .OrderByDescending(file => file.Name, StringComparer.Ordinal);
        foreach (var segment in segments)
        {
            // Timelines differ in the first 8 characters; the position in the WAL is the rest.
            if (string.CompareOrdinal(segment.Name[8..], floor) < 0)
            {
                break;
            }

            var key = (segment.FullName, segment.Length, segment.LastWriteTimeUtc);
            if (!_segments.TryGetValue(key, out var time))
            {
                time = await host.LastTransactionTimeAsync(segment.FullName, cancellationToken).ConfigureAwait(false);
                _segments[key] = time;
            }

            if (time is not null)
            {
                return time;
            }
        }

        return null;
    }

    /// <summary>Waits until the named segment is in the archive (the archiver copies it shortly after a switch).</summary>
    public static async Task WaitForSegmentAsync(string archive, string segment, long segmentSize, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = Path.Combine(archive, segment);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!(File.Exists(path) && new FileInfo(path).Length == segmentSize))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new ClusterOperationException($"WAL segment {segment} did not reach the archive {archive} within {timeout}; is archive_command working?");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    [GeneratedRegex("^[0-9A-F]{24}$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentName();
}
