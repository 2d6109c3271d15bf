using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalRds.Postgres;

/// <summary>
/// A WAL archive folder: how segments get in (<see cref="ArchiveCommand"/>), how a restore gets them back
/// (<see cref="RestoreCommand"/>), and the newest transaction time it holds, which is an instance's LatestRestorableTime.
/// <para>
/// Segments are archived <b>zstd-compressed</b> as <c>&lt;segment&gt;.zst</c>, written to <c>.zst.tmp</c> and renamed, so
/// a <c>.zst</c> file is always complete. A 16 MB segment that a switch (archive_timeout, a backup) closed early is mostly
/// zeros and shrinks to about a kilobyte; without this, a 9 MB database left gigabytes of archive behind. Archives
/// written before compression hold plain segments: every reader here takes both, so an old archive keeps restoring.
/// Archived segments never change, so each is read with pg_waldump once.
/// </para>
/// </summary>
internal sealed partial class WalArchive(PostgresHost host)
{
    /// <summary>What a compressed archive file's name ends with.</summary>
    public const string CompressedSuffix = ".zst";

    private static readonly Lazy<string> ZstdPath = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/local/bin")
            .Select(folder => Path.Combine(folder, "zstd"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("zstd is not installed (WAL archives are zstd-compressed): apt-get install zstd, or run local/setup"));

    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), DateTimeOffset?> _segments = new();

    /// <summary>
    /// The archive_command for <paramref name="archive"/>: compress the file PostgreSQL hands over (%p) into
    /// <c>&lt;archive&gt;/%f.zst</c> through a temporary name, never overwriting an archived file (PostgreSQL's rule).
    /// The folder must not contain quotes or '%' (the emulator refuses such state folders).
    /// </summary>
    public static string ArchiveCommand(string archive) =>
        $"test ! -f \"{archive}/%f{CompressedSuffix}\" && {Zstd} -q -f -o \"{archive}/%f{CompressedSuffix}.tmp\" \"%p\" && mv " +
            $"\"{archive}/%f{CompressedSuffix}.tmp\" \"{archive}/%f{CompressedSuffix}\"";

    /// <summary>
    /// The restore_command for <paramref name="archive"/>: the compressed file if there is one, else a plain one (an
    /// archive written before compression); a file in neither form fails, which tells PostgreSQL it is not archived.
    /// </summary>
    public static string RestoreCommand(string archive) =>
        $"if test -f \"{archive}/%f{CompressedSuffix}\"; then {Zstd} -q -d -f -o \"%p\" \"{archive}/%f{CompressedSuffix}\"; else cp \"{archive}/%f\" \"%p\"; " +
            $"fi";

    /// <summary>The zstd program (Debian's <c>zstd</c> package; local/setup installs it).</summary>
    /// <exception cref="InvalidOperationException">It is not installed.</exception>
    public static string Zstd => ZstdPath.Value;

    /// <summary>
    /// The commit/abort time of the newest transaction in the archive, looking back from the newest segment no
    /// further than <paramref name="oldestUsefulSegment"/> (the oldest base backup's first segment); null when none.
    /// A plain segment counts only at exactly <paramref name="segmentSize"/> bytes (anything else is a copy in
    /// progress); a <c>.zst</c> one always (it appears complete, by rename).
    /// </summary>
    public async Task<DateTimeOffset?> LatestTransactionTimeAsync(string archive, long segmentSize, string oldestUsefulSegment,
        CancellationToken cancellationToken)
    {
        if (!Directory.Exists(archive))
        {
            return null;
        }

        var floor = oldestUsefulSegment.Length == 24 ? oldestUsefulSegment[8..] : string.Empty;
        foreach (var segment in ArchivedSegments(archive, segmentSize).OrderByDescending(s => s.Name, StringComparer.Ordinal))
        {
            // Timelines differ in the first 8 characters; the position in the WAL is the rest.
            if (string.CompareOrdinal(segment.Name[8..], floor) < 0)
            {
                break;
            }

            var file = segment.File;
            var key = (file.FullName, file.Length, file.LastWriteTimeUtc);
            if (!_segments.TryGetValue(key, out var time))
            {
                time = await ReadLastTransactionTimeAsync(segment, cancellationToken).ConfigureAwait(false);
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
        var plain = Path.Combine(archive, segment);
        var compressed = plain + CompressedSuffix;
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!File.Exists(compressed) && !(File.Exists(plain) && new FileInfo(plain).Length == segmentSize))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new ClusterOperationException($"WAL segment {segment} did not reach the archive {archive} within {timeout}; is archive_command working?");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The complete segments in an archive, by segment name: <c>.zst</c> files, and plain files of exactly one segment's
    /// size (a plain file beside a compressed one of the same name is the same segment and is skipped).
    /// </summary>
    public static IReadOnlyList<ArchivedSegment> ArchivedSegments(string archive, long segmentSize)
    {
        var segments = new Dictionary<string, ArchivedSegment>(StringComparer.Ordinal);
        foreach (var file in new DirectoryInfo(archive).EnumerateFiles())
        {
            if (CompressedSegmentName().IsMatch(file.Name))
            {
                segments[file.Name[..24]] = new ArchivedSegment(file.Name[..24], file, Compressed: true);
            }
            else if (SegmentName().IsMatch(file.Name) && file.Length == segmentSize)
            {
                segments.TryAdd(file.Name, new ArchivedSegment(file.Name, file, Compressed: false));
            }
        }

        return [.. segments.Values];
    }

    /// <summary>pg_waldump reads segments by their WAL name, so a compressed one is unpacked under that name first.</summary>
    private async Task<DateTimeOffset?> ReadLastTransactionTimeAsync(ArchivedSegment segment, CancellationToken cancellationToken)
    {
        if (!segment.Compressed)
        {
            return await host.LastTransactionTimeAsync(segment.File.FullName, cancellationToken).ConfigureAwait(false);
        }

        var folder = Directory.CreateTempSubdirectory("local-rds-wal-");
        try
        {
            var unpacked = Path.Combine(folder.FullName, segment.Name);
            await host.Runner.RunCheckedAsync(Zstd, ["-q", "-d", "-f", "-o", unpacked, segment.File.FullName], false, cancellationToken).ConfigureAwait(false);
            return await host.LastTransactionTimeAsync(unpacked, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [GeneratedRegex("^[0-9A-F]{24}$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentName();

    [GeneratedRegex(@"^[0-9A-F]{24}\.zst$", RegexOptions.CultureInvariant)]
    private static partial Regex CompressedSegmentName();
}

/// <summary>One complete archived WAL segment: its WAL file name, the archive file, and whether that file is zstd-compressed.</summary>
internal sealed record ArchivedSegment(string Name, FileInfo File, bool Compressed);
