using System.Globalization;
using DisasterRecovery.Core;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// What restoring a backup needs on the server it is restored on, from the dump's raw (uncompressed SQL) size: the rows
/// loaded take about their text size, their indexes and the WAL written while loading up to as much again
/// (<see cref="Factor"/>), plus <see cref="FixedBytes"/> for the WAL PostgreSQL keeps between checkpoints (max_wal_size)
/// and temporary files. A new scratch instance is given that with a quarter more headroom, at least RDS's 20 GiB.
/// </summary>
/// <param name="RawBytes">The dump's SQL before compression (its index's <c>rawLength</c>).</param>
/// <param name="RequiredFreeBytes">Free storage the restore needs: raw × <see cref="Factor"/> + <see cref="FixedBytes"/>.</param>
/// <param name="ScratchStorageGiB">The allocated storage a new scratch instance gets for it (GiB).</param>
public sealed record PostgresRestoreNeeds(long RawBytes, long RequiredFreeBytes, int ScratchStorageGiB)
{
    /// <summary>Rows, their indexes and WAL, per raw byte.</summary>
    public const int Factor = 2;

    /// <summary>WAL kept between checkpoints and temporary files: 1 GiB.</summary>
    public const long FixedBytes = 1L << 30;

    /// <summary><see cref="ScratchStorageGiB"/> in bytes: the free storage a new scratch instance starts with, for <c>freeStorageBytes</c>.</summary>
    public long ScratchStorageBytes => (long)ScratchStorageGiB << 30;

    /// <summary>RDS's smallest gp2/gp3 PostgreSQL storage.</summary>
    public const int MinimumScratchStorageGiB = 20;

    /// <summary>What restoring the dump <paramref name="index"/> describes needs.</summary>
    public static PostgresRestoreNeeds Of(PostgresDumpIndex index)
    {
        var required = checked((index.RawLength * Factor) + FixedBytes);
        var withHeadroom = required + (required / 4);
        var gib = (int)Math.Min(65536, Math.Max(MinimumScratchStorageGiB, (withHeadroom + (1L << 30) - 1) >> 30));
        return new PostgresRestoreNeeds(index.RawLength, required, gib);
    }

    /// <summary><see cref="InsufficientStorageException"/> naming both figures when <paramref name="freeBytes"/> is below the need.</summary>
    public void RequireFree(double? freeBytes, string backupId)
    {
        if (freeBytes is { } free && free < RequiredFreeBytes)
        {
            throw new InsufficientStorageException(
                string.Create(CultureInfo.InvariantCulture,
                    $"the scratch server has {free:F0} bytes free (freeStorageBytes) but restoring backup {backupId} needs {RequiredFreeBytes} bytes ") +
                string.Create(CultureInfo.InvariantCulture,
                    $"(raw dump {RawBytes} bytes × {Factor} + {FixedBytes} for WAL and temporary files); nothing was restored"));
        }
    }
}
