using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>A recorded verification of a PostgreSQL backup.</summary>
/// <param name="Verification">What was recorded beside the manifest.</param>
/// <param name="VerificationKey">Where it was recorded.</param>
/// <param name="Restore">The restore check's result; null when the objects' checksums already failed.</param>
public sealed record PostgresVerifyOutcome(BackupVerification Verification, string VerificationKey, PostgresVerificationResult? Restore);

/// <summary>
/// The plan's daily verification (§5.2) of one catalog backup: every object re-read and its checksums checked;
/// the dump restored into a scratch database; every table's rows and content hash compared with the manifest;
/// the repository's integrity SQL run; the scratch database dropped (by <see cref="PostgresVerifier"/>); the
/// verdict recorded beside the manifest (and, when it passed, in the catalog's verified index). A failed check is
/// a recorded verdict, not an exception.
/// </summary>
public sealed class PostgresCatalogVerify(BackupCatalog catalog, PostgresVerifier verifier, TimeProvider time, JsonLogger? logger = null)
{
    /// <summary>Verifies <paramref name="manifest"/>'s backup on <paramref name="scratchServer"/> and records the verdict.</summary>
    public async Task<PostgresVerifyOutcome> RunAsync(
        BackupManifest manifest, PostgresEndpoint scratchServer, string verifiedBy, PostgresVerifyOptions options, CancellationToken cancellationToken)
    {
        var checks = new List<VerificationCheck>(await catalog.OpenReader(manifest).VerifyAllObjectsAsync(cancellationToken).ConfigureAwait(false));
        PostgresVerificationResult? restore = null;
        IReadOnlyList<ContentCount>? counts = null;
        if (checks.All(c => c.Passed))
        {
            var locator = new PostgresBackupLocator(catalog);
            PostgresDumpIndex? index = null;
            try
            {
                index = await locator.ReadIndexAsync(manifest, cancellationToken).ConfigureAwait(false);
            }
            catch (ChecksumMismatchException e)
            {
                checks.Add(new VerificationCheck("index", false, e.Problem));
            }

            if (index is not null)
            {
                var contents = CompareManifestWithIndex(manifest, index);
                checks.Add(contents);
                restore = await verifier.VerifyAsync(new CatalogDumpSource(catalog.OpenReader(manifest)), index, scratchServer, options,
                    cancellationToken).ConfigureAwait(false);
                checks.AddRange(restore.Checks.Select(c => new VerificationCheck(c.Name, c.Passed, c.Detail)));
                counts = [.. restore.Tables.Select(t => new ContentCount(t.Name, t.Rows, t.Hash))];
            }
        }
        else
        {
            checks.Add(new VerificationCheck("restore", false, "not attempted: an object's checksum does not match its manifest"));
        }

        var verification = new BackupVerification
        {
            BackupId = manifest.BackupId,
            Passed = checks.All(c => c.Passed),
            Checks = checks,
            Counts = counts,
            VerifiedBy = verifiedBy,
            VerifiedAt = time.GetUtcNow(),
        };
        var key = await catalog.RecordVerificationAsync(manifest, verification, cancellationToken).ConfigureAwait(false);
        logger?.Info(verification.Passed ? "backup verified" : "backup verification FAILED", ("backupId", manifest.BackupId), ("passed", verification.Passed),
            ("failedChecks", string.Join(", ", checks.Where(c => !c.Passed).Select(c => c.Name))), ("record", key));
        return new PostgresVerifyOutcome(verification, key, restore);
    }

    /// <summary>The manifest's per-table counts are the index's: one snapshot, recorded twice.</summary>
    private static VerificationCheck CompareManifestWithIndex(BackupManifest manifest, PostgresDumpIndex index)
    {
        var expected = (manifest.Contents ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var differing = index.Tables
            .Where(t => !expected.TryGetValue(t.Name, out var c) || c.Count != t.Rows || !string.Equals(c.ContentHash, t.ContentHash, StringComparison.Ordinal))
            .Select(t => t.Name)
            .Concat(expected.Keys.Except(index.Tables.Select(t => t.Name), StringComparer.Ordinal))
            .ToList();
        return new VerificationCheck("manifest-contents", differing.Count == 0, differing.Count == 0
            ? $"{index.Tables.Count} tables: the manifest's counts and hashes are the index's"
            : "the manifest and the index disagree on: " + string.Join(", ", differing.Take(10)));
    }
}
