using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalRds.Postgres;

/// <summary>
/// Removes from a WAL archive what no restore can need any more, the way <c>pg_archivecleanup</c> does: every WAL
/// segment (and <c>.partial</c> segment) whose position is before the oldest segment still needed, on any timeline
/// (the timeline part of the name is ignored, so a parent timeline's segments are never removed early). It also
/// removes the <c>.backup</c> history files of those positions and the <c>.history</c> files of timelines older than
/// the one the oldest needed segment is on, never the newest timeline's. Each of these may be compressed
/// (<c>&lt;name&gt;.zst</c>, see <see cref="WalArchive"/>) or plain (archives written before compression); both go alike.
/// Anything else (a copy in progress, <c>*.tmp</c>, folders) is left alone. The oldest needed segment is the start segment of the oldest retained
/// automated backup: a restore to the earliest restorable time replays from there.
/// </summary>
internal static partial class WalArchivePruner
{
    /// <summary>The archive's file names (no folders) that may go, given the oldest segment still needed.</summary>
    /// <exception cref="ArgumentException"><paramref name="oldestNeededSegment"/> is not a 24-character WAL file name.</exception>
    public static IReadOnlyList<string> Prunable(IEnumerable<string> fileNames, string oldestNeededSegment)
    {
        if (!SegmentName().IsMatch(oldestNeededSegment))
        {
            throw new ArgumentException($"'{oldestNeededSegment}' is not a WAL segment file name", nameof(oldestNeededSegment));
        }

        var names = fileNames.ToList();
        var position = oldestNeededSegment[8..];
        var neededTimeline = oldestNeededSegment[..8];
        var newestTimeline = names.Select(TimelineOf).Where(t => t is not null).Max(StringComparer.Ordinal);
        var prunable = new List<string>();
        foreach (var name in names)
        {
            if (ArchivedSegmentName().IsMatch(name) || PartialSegmentName().IsMatch(name) || BackupHistoryName().IsMatch(name))
            {
                // Timeline (8) + log (8) + segment (8); upper-case hex of fixed width sorts like the numbers.
                if (string.CompareOrdinal(name[8..24], position) < 0)
                {
                    prunable.Add(name);
                }
            }
            else if (TimelineHistoryName().IsMatch(name))
            {
                var timeline = name[..8];
                if (string.CompareOrdinal(timeline, neededTimeline) < 0 && timeline != newestTimeline)
                {
                    prunable.Add(name);
                }
            }
        }

        return prunable;
    }

    /// <summary>Deletes what <see cref="Prunable"/> names in <paramref name="archive"/>; returns how many files and bytes went.</summary>
    public static ArchivePruneResult Prune(string archive, string oldestNeededSegment)
    {
        if (!Directory.Exists(archive))
        {
            return new ArchivePruneResult(0, 0, []);
        }

        var files = Directory.EnumerateFiles(archive).Select(Path.GetFileName).OfType<string>();
        var removed = 0;
        long bytes = 0;
        var failures = new List<string>();
        foreach (var name in Prunable(files, oldestNeededSegment))
        {
            var path = Path.Combine(archive, name);
            try
            {
                var length = new FileInfo(path).Length;
                File.Delete(path);
                removed++;
                bytes += length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{name}: {e.Message}");
            }
        }

        return new ArchivePruneResult(removed, bytes, failures);
    }

    /// <summary>The earlier of two WAL segment names by position (the timeline part ignored).</summary>
    public static string Earlier(string a, string b) => string.CompareOrdinal(a[8..], b[8..]) <= 0 ? a : b;

    /// <summary>Whether a name is a WAL segment file name (24 upper-case hex digits).</summary>
    public static bool IsSegmentName(string name) => SegmentName().IsMatch(name);

    private static string? TimelineOf(string name) =>
        ArchivedSegmentName().IsMatch(name) || PartialSegmentName().IsMatch(name) || BackupHistoryName().IsMatch(name) || TimelineHistoryName().IsMatch(name)
            ? name[..8]
            : null;

    [GeneratedRegex("^[0-9A-F]{24}$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentName();

    [GeneratedRegex(@"^[0-9A-F]{24}(\.zst)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ArchivedSegmentName();

    [GeneratedRegex(@"^[0-9A-F]{24}\.partial(\.zst)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PartialSegmentName();

    [GeneratedRegex(@"^[0-9A-F]{24}\.[0-9A-F]{8}\.backup(\.zst)?$", RegexOptions.CultureInvariant)]
    private static partial Regex BackupHistoryName();

    [GeneratedRegex(@"^[0-9A-F]{8}\.history(\.zst)?$", RegexOptions.CultureInvariant)]
    private static partial Regex TimelineHistoryName();
}

/// <summary>What one pruning removed, and the files it could not remove (with why).</summary>
internal sealed record ArchivePruneResult(int FilesRemoved, long BytesRemoved, IReadOnlyList<string> Failures);
