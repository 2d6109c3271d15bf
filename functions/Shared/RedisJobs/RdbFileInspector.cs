using DisasterRecovery.Redis.Rdb;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// The RDB format reader's full verification as the backup's inspector: every opcode and encoding and the trailing CRC-64
/// are checked while the file streams into the catalog, and the live keys are counted per database for the manifest. A
/// damaged file throws <see cref="DisasterRecovery.Core.RdbFormatException"/> (offset, what was expected), which fails the
/// backup before its commit.
/// </summary>
public sealed class RdbFileInspector : IRdbInspector
{
    public async Task<RdbInspection> InspectAsync(Stream rdb, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var summary = await RdbFile.VerifyAsync(rdb, now, cancellationToken).ConfigureAwait(false);
        return new RdbInspection(summary.RdbVersion, summary.KeysPerDatabase, summary.ExpiredKeys, summary.Functions, summary.ChecksumVerified,
            summary.Aux);
    }
}
