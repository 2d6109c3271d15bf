namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// A STAND-IN for the RDB reader's verification (<c>RdbFile.VerifyAsync</c>, built in parallel): it reads the tee to its
/// end and counts the bytes, reads the version from the header, and reports fixed key counts so the manifest's section can be checked. It can also fail after
/// some bytes, as a damaged RDB makes the real one fail, or <paramref name="strike"/> once after some bytes (a fault mid-transfer).
/// </summary>
internal sealed class ByteCountingInspector(long? failAfterBytes = null, long? strikeAfterBytes = null, Action? strike = null) : IRdbInspector
{
    /// <summary>The counts it reports: two databases.</summary>
    public static readonly IReadOnlyDictionary<int, long> Counts = new Dictionary<int, long> { [0] = 7, [3] = 2 };

    private int _version;

    /// <summary>Bytes it read in its last run.</summary>
    public long Bytes { get; private set; }

    public async Task<RdbInspection> InspectAsync(Stream rdb, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        Bytes = 0;
        int read;
        while ((read = await rdb.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (Bytes == 0 && read >= 9)
            {
                _version = int.Parse(System.Text.Encoding.ASCII.GetString(buffer, 5, 4), System.Globalization.CultureInfo.InvariantCulture);
            }

            Bytes += read;
            if (Bytes > strikeAfterBytes && strike is not null)
            {
                strike();
                strike = null;
            }

            if (Bytes > failAfterBytes)
            {
                throw new InvalidDataException($"a stand-in RDB failure at offset {failAfterBytes}");
            }
        }

        return new RdbInspection(_version, Counts, 0, 0, ChecksumVerified: true);
    }
}
