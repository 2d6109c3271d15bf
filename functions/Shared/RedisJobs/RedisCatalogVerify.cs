using System.Globalization;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Redis.Rdb;

namespace DisasterRecovery.RedisJobs;

/// <summary>A recorded verification of a Redis backup.</summary>
/// <param name="Verification">What was recorded beside the manifest.</param>
/// <param name="VerificationKey">Where it was recorded.</param>
/// <param name="KeysPerDatabase">The live keys the RDB holds per database (<c>db0</c> → count); empty when it did not parse.</param>
public sealed record RedisVerifyOutcome(BackupVerification Verification, string VerificationKey, IReadOnlyDictionary<string, long> KeysPerDatabase);

/// <summary>
/// The daily verification of one Redis backup in the catalog (issue 13): every object re-read against its manifest checksums; the
/// RDB parsed whole (every opcode and encoding, the CRC-64) as it streams from the catalog, counting the keys live at the instant the
/// backup counted them (<see cref="RedisBackupInfo.InspectedAt"/>, else the backup's start); those counts compared with the
/// manifest's, and the RDB's version and function libraries with <c>dump.info.json</c>. The verdict is recorded beside the
/// manifest and, when it passed, in the catalog's verified index that restores choose from. A failed check is a recorded verdict,
/// not an exception.
/// </summary>
public sealed class RedisCatalogVerify(BackupCatalog catalog, TimeProvider time, JsonLogger? logger = null)
{
    /// <summary>Verifies <paramref name="manifest"/>'s backup and records the verdict.</summary>
    public async Task<RedisVerifyOutcome> RunAsync(BackupManifest manifest, string verifiedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var reader = catalog.OpenReader(manifest);
        var checks = new List<VerificationCheck>();
        var (info, infoChecks) = await RedisVerifyStoredRdb.ReadInfoAsync(reader, cancellationToken).ConfigureAwait(false);
        checks.AddRange(infoChecks);
        foreach (var other in manifest.Objects.Where(o => o.Name is not RedisBackupObjects.Rdb and not RedisBackupObjects.Info))
        {
            checks.Add(await VerifyObjectAsync(reader, other, cancellationToken).ConfigureAwait(false));
        }

        var at = info?.InspectedAt ?? manifest.StartedAt;
        var rdb = await RedisVerifyStoredRdb.ReadAsync(reader, at, cancellationToken).ConfigureAwait(false);
        checks.Add(rdb.Checksum);
        checks.Add(rdb.Format);
        IReadOnlyDictionary<string, long> keys = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (rdb.Summary is { } summary)
        {
            keys = DatabaseNames(summary.KeysPerDatabase);
            checks.Add(CompareWithManifest(manifest, keys, at));
            if (info is not null)
            {
                checks.Add(CompareFunctions(info, summary));
                checks.Add(CompareVersion(info, summary));
            }
        }

        var verification = new BackupVerification
        {
            BackupId = manifest.BackupId,
            Passed = checks.All(c => c.Passed),
            Checks = checks,
            Counts = rdb.Summary is null ? null : [.. keys.Select(pair => new ContentCount(pair.Key, pair.Value))],
            VerifiedBy = verifiedBy,
            VerifiedAt = time.GetUtcNow(),
        };
        var key = await catalog.RecordVerificationAsync(manifest, verification, cancellationToken).ConfigureAwait(false);
        logger?.Info(verification.Passed ? "backup verified" : "backup verification FAILED", ("backupId", manifest.BackupId),
            ("passed", verification.Passed), ("failedChecks", string.Join(", ", checks.Where(c => !c.Passed).Select(c => c.Name))), ("record", key));
        return new RedisVerifyOutcome(verification, key, keys);
    }

    /// <summary>Per-database counts by the names the manifest uses (<c>db3</c>), in database order.</summary>
    internal static IReadOnlyDictionary<string, long> DatabaseNames(IReadOnlyDictionary<int, long> counts)
    {
        var named = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (database, count) in counts.OrderBy(pair => pair.Key))
        {
            named[RedisCatalogBackup.DatabaseName(database)] = count;
        }

        return named;
    }

    private static async Task<VerificationCheck> VerifyObjectAsync(BackupReader reader, BackupObject entry, CancellationToken cancellationToken)
    {
        try
        {
            await reader.VerifyObjectAsync(entry.Name, cancellationToken).ConfigureAwait(false);
            return new VerificationCheck("checksum:" + entry.Name, true, $"{entry.Size} bytes, sha256 {entry.Sha256}");
        }
        catch (ChecksumMismatchException e)
        {
            return new VerificationCheck("checksum:" + entry.Name, false, e.Problem);
        }
        catch (BackupNotFoundException e)
        {
            return new VerificationCheck("checksum:" + entry.Name, false, e.Message);
        }
    }

    /// <summary>The RDB's live keys per database are the manifest's: both were counted at the same instant, from the same bytes.</summary>
    private static VerificationCheck CompareWithManifest(BackupManifest manifest, IReadOnlyDictionary<string, long> keys, DateTimeOffset at)
    {
        if (manifest.Contents is not { } contents)
        {
            return new VerificationCheck("manifest-contents", false, "the manifest records no keys per database to compare with");
        }

        var expected = contents.ToDictionary(c => c.Name, c => c.Count, StringComparer.Ordinal);
        var differing = expected.Keys.Union(keys.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Where(name => expected.GetValueOrDefault(name) != keys.GetValueOrDefault(name))
            .Select(name => string.Create(CultureInfo.InvariantCulture,
                $"{name}: the manifest says {expected.GetValueOrDefault(name)}, the RDB holds {keys.GetValueOrDefault(name)}"))
            .ToList();
        return new VerificationCheck("manifest-contents", differing.Count == 0, differing.Count == 0
            ? string.Create(CultureInfo.InvariantCulture,
                $"{keys.Count} database(s), {keys.Values.Sum()} keys live at {at:yyyy-MM-ddTHH:mm:ss.fffZ}: the manifest's counts")
            : string.Join("; ", differing.Take(16)));
    }

    private static VerificationCheck CompareFunctions(RedisBackupInfo info, RdbSummary summary) => new(
        "functions", info.Functions == summary.Functions, info.Functions == summary.Functions
            ? $"{summary.Functions} function librar{(summary.Functions == 1 ? "y" : "ies")}, as dump.info.json records"
            : $"dump.info.json records {info.Functions} function libraries, the RDB holds {summary.Functions}");

    private static VerificationCheck CompareVersion(RedisBackupInfo info, RdbSummary summary) => new(
        "rdb-version", info.RdbVersion is null || info.RdbVersion == summary.RdbVersion, info.RdbVersion is null
            ? $"RDB version {summary.RdbVersion} (dump.info.json records none)"
            : info.RdbVersion == summary.RdbVersion
                ? $"RDB version {summary.RdbVersion}, as dump.info.json records"
                : $"dump.info.json records RDB version {info.RdbVersion}, the file's header says {summary.RdbVersion}");
}
