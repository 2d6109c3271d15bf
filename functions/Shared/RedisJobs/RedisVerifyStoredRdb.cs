using System.Text.Json;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Redis.Rdb;

namespace DisasterRecovery.RedisJobs;

/// <summary>What re-reading a backup's RDB from the catalog found: the object's checksum check, the format check, and the summary when it parsed.</summary>
/// <param name="Checksum">Check <c>checksum:dump.rdb</c>: the bytes read are the ones the manifest recorded (size, SHA-256).</param>
/// <param name="Format">Check <c>rdb-format</c>: the whole file parsed, CRC-64 included; a failure names the offset and what was expected there.</param>
/// <param name="Summary">What the file holds at the instant asked; null when it did not parse.</param>
public sealed record RedisStoredRdbRead(VerificationCheck Checksum, VerificationCheck Format, RdbSummary? Summary)
{
    /// <summary>Both checks passed.</summary>
    public bool Passed => Checksum.Passed && Format.Passed;
}

/// <summary>
/// Reads a Redis backup's stored objects the way both verification modes need them: the RDB streamed once from the catalog
/// through the RDB reader's full verification (every structure, the CRC-64) while the catalog checks the object's SHA-256 on the
/// same bytes, and the backup's <see cref="RedisBackupInfo"/>. Damage is a failed check, not an exception: the verdict is data.
/// </summary>
public static class RedisVerifyStoredRdb
{
    /// <summary>
    /// Streams <see cref="RedisBackupObjects.Rdb"/> through <see cref="RdbFile.VerifyAsync"/>, counting keys live at
    /// <paramref name="at"/>. When the parse stops early the rest is still read, so the checksum verdict says whether the bytes
    /// changed in storage (the object's checksum fails) or were stored damaged (only the format fails).
    /// </summary>
    public static async Task<RedisStoredRdbRead> ReadAsync(BackupReader reader, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var name = RedisBackupObjects.Rdb;
        var checksumName = "checksum:" + name;
        VerifyingReadStream stream;
        try
        {
            stream = await reader.OpenObjectAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupNotFoundException e)
        {
            return new RedisStoredRdbRead(new VerificationCheck(checksumName, false, e.Message), NotRead(), null);
        }

        await using (stream.ConfigureAwait(false))
        {
            RdbSummary? summary = null;
            string? formatProblem = null;
            string? checksumProblem = null;
            try
            {
                summary = await RdbFile.VerifyAsync(stream, at, cancellationToken).ConfigureAwait(false);
            }
            catch (RdbFormatException e)
            {
                formatProblem = e.Message;
            }
            catch (ChecksumMismatchException e)
            {
                checksumProblem = e.Problem;
            }

            if (checksumProblem is null && !stream.Verified)
            {
                try
                {
                    await stream.CopyToAsync(Stream.Null, 1 << 20, cancellationToken).ConfigureAwait(false);
                }
                catch (ChecksumMismatchException e)
                {
                    checksumProblem = e.Problem;
                }
            }

            var entry = reader.Manifest.FindObject(name)!;
            var checksum = new VerificationCheck(checksumName, checksumProblem is null,
                checksumProblem ?? $"{entry.Size} bytes, sha256 {entry.Sha256}");
            var format = summary is not null
                ? new VerificationCheck("rdb-format", true, Describe(summary, at))
                : new VerificationCheck("rdb-format", false, formatProblem ?? "not completed: the stored object is damaged (see " + checksumName + ")");
            return new RedisStoredRdbRead(checksum, format, summary);
        }
    }

    /// <summary>
    /// Reads and parses <see cref="RedisBackupObjects.Info"/> with its checksum; returns it (null when it cannot be read) and the
    /// checks: <c>checksum:dump.info.json</c>, and <c>dump-info</c> when it is missing or not the record RedisBackup writes.
    /// </summary>
    public static async Task<(RedisBackupInfo? Info, IReadOnlyList<VerificationCheck> Checks)> ReadInfoAsync(
        BackupReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var name = RedisBackupObjects.Info;
        if (reader.Manifest.FindObject(name) is not { } entry)
        {
            return (null, [new VerificationCheck("dump-info", false, $"the backup has no '{name}'")]);
        }

        byte[] bytes;
        try
        {
            await using var stream = await reader.OpenObjectAsync(name, cancellationToken).ConfigureAwait(false);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            bytes = copy.ToArray();
        }
        catch (ChecksumMismatchException e)
        {
            return (null, [new VerificationCheck("checksum:" + name, false, e.Problem)]);
        }
        catch (BackupNotFoundException e)
        {
            return (null, [new VerificationCheck("checksum:" + name, false, e.Message)]);
        }

        var checksum = new VerificationCheck("checksum:" + name, true, $"{entry.Size} bytes, sha256 {entry.Sha256}");
        try
        {
            var info = JsonSerializer.Deserialize(bytes, RedisJobsJsonContext.Default.RedisBackupInfo)
                ?? throw new JsonException("the record is null");
            return (info, [checksum]);
        }
        catch (JsonException e)
        {
            return (null, [checksum, new VerificationCheck("dump-info", false, $"'{name}' is not the record RedisBackup writes: {e.Message}")]);
        }
    }

    private static VerificationCheck NotRead() => new("rdb-format", false, "not read: the object could not be opened");

    private static string Describe(RdbSummary summary, DateTimeOffset at) =>
        $"RDB version {summary.RdbVersion}, {(summary.ChecksumVerified ? "CRC-64 matched" : "no CRC-64 in the file")}; " +
        $"{summary.KeysPerDatabase.Values.Sum()} live keys in {summary.KeysPerDatabase.Count} database(s) and {summary.ExpiredKeys} expired at " +
        $"{at:yyyy-MM-ddTHH:mm:ss.fffZ}, {summary.Functions} function librar{(summary.Functions == 1 ? "y" : "ies")}";
}
