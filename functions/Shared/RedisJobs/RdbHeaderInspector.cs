using System.Globalization;
using System.Text;
using DisasterRecovery.Core;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// The least an inspector must do: check the <c>REDIS&lt;4 digits&gt;</c> header, read the rest to its end, and report the
/// version with no key counts and the checksum unverified. Wired until the RDB format reader's full verification takes its
/// place; the manifest then says the counts were not taken (no contents) rather than zero.
/// </summary>
public sealed class RdbHeaderInspector : IRdbInspector
{
    private const int HeaderLength = 9;

    public async Task<RdbInspection> InspectAsync(Stream rdb, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rdb);
        var header = new byte[HeaderLength];
        var read = await rdb.ReadAtLeastAsync(header, HeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var text = Encoding.ASCII.GetString(header, 0, read);
        if (read < HeaderLength || !text.StartsWith("REDIS", StringComparison.Ordinal)
            || !int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new DatabaseOperationException("the server's RDB does not start with REDIS<4-digit version> at offset 0");
        }

        await rdb.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        return new RdbInspection(version, KeysPerDatabase: null, 0, 0, ChecksumVerified: false);
    }
}
