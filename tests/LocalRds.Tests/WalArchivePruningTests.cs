using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalRds.Postgres;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// An instance's WAL archive keeps exactly what a restore to its earliest restorable time needs: everything from the
/// start segment of its oldest retained automated backup on. The name rules first, then a real cluster whose backups
/// expire (retention measured on a clock the test moves two days on).
/// </summary>
public sealed partial class WalArchivePruningTests
{
    [Fact]
    public void Prunable_WhenGivenAMixedArchive_ShouldRemoveOnlyWhatPrecedesTheOldestNeededSegment()
    {
        string[] archive =
        [
            "000000010000000000000003", "000000010000000000000004.partial", "000000010000000000000003.00000028.backup",
            "000000020000000000000004", "00000002.history",
            "000000030000000000000005", "000000030000000000000005.00000060.backup", "000000030000000000000006", "00000003.history",
            "000000010000000000000007", "000000030000000000000007.tmp", "00000003000000000000000", "notes.txt",
        ];

        var prunable = WalArchivePruner.Prunable(archive, "000000030000000000000005");

        Assert.Equal(
            ["000000010000000000000003", "000000010000000000000004.partial", "000000010000000000000003.00000028.backup", "000000020000000000000004",
                "00000002.history"],
            prunable);
    }

    [Fact]
    public void Prunable_WhenTheArchiveMixesCompressedAndPlainFiles_ShouldTreatBothFormsAlike()
    {
        string[] archive =
        [
            "000000010000000000000003", "000000010000000000000004.zst", "000000010000000000000004.00000028.backup.zst",
            "000000010000000000000004.partial.zst", "00000001.history.zst", "000000020000000000000005.zst", "00000002.history.zst",
            "000000020000000000000006.zst.tmp", "000000020000000000000004.zst.tmp",
        ];

        var prunable = WalArchivePruner.Prunable(archive, "000000020000000000000005");

        Assert.Equal(
            ["000000010000000000000003", "000000010000000000000004.zst", "000000010000000000000004.00000028.backup.zst", "000000010000000000000004.partial.zst",
                "00000001.history.zst"],
            prunable);
    }

    [Fact]
    public void Prunable_WhenTheNewestTimelineInTheArchiveIsOlderThanTheNeededSegment_ShouldKeepItsHistory()
    {
        var prunable = WalArchivePruner.Prunable(["00000002.history", "000000020000000000000001"], "000000030000000000000005");

        Assert.Equal(["000000020000000000000001"], prunable);
    }

    [Fact]
    public void Prunable_WhenTheOldestNeededIsNotASegmentName_ShouldRefuse()
    {
        var error = Assert.Throws<ArgumentException>(() => WalArchivePruner.Prunable(["000000010000000000000001"], "00000001.history"));

        Assert.Contains("not a WAL segment file name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TakeAutomatedBackupAsync_WhenOlderBackupsExpire_ShouldPruneTheArchiveToTheOldestRetainedBackupAndStillRestore()
    {
        var clock = new ShiftedClock();
        await using var rds = await RdsTestEnvironment.StartAsync(clock);
        var password = RdsTestEnvironment.NewPassword();
        var instance = await rds.CreateInstanceAsync("pruned", password);
        var archive = Path.Combine(rds.StateDirectory, "pg", "archives", instance["DbiResourceId"]!.GetValue<string>());
        var firstBackupStart = BackupStarts(archive).Single();
        await using (var connection = await RdsTestEnvironment.ConnectAsync(instance, password))
        {
            await RdsTestEnvironment.ExecuteAsync(connection, "CREATE TABLE notes (note text); INSERT INTO notes VALUES ('before')");
        }

        await rds.Emulator.FlushWalArchiveAsync("pruned");
        await rds.Emulator.FlushWalArchiveAsync("pruned");
        await rds.Emulator.TakeAutomatedBackupAsync("pruned");
        var keptWhileRetained = IsArchived(archive, firstBackupStart);
        var backupsWhileRetained = BackupStarts(archive).Count;

        clock.Offset = TimeSpan.FromDays(2);
        await rds.Emulator.TakeAutomatedBackupAsync("pruned");
        await using (var connection = await RdsTestEnvironment.ConnectAsync(instance, password))
        {
            await RdsTestEnvironment.ExecuteAsync(connection, "INSERT INTO notes VALUES ('after')");
        }

        await rds.Emulator.FlushWalArchiveAsync("pruned");
        var remainingBackupStarts = BackupStarts(archive);
        var oldestSegment = Segments(archive).Min(StringComparer.Ordinal);
        await rds.CallAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = "pruned",
            ["TargetDBInstanceIdentifier"] = "pruned-restored",
            ["UseLatestRestorableTime"] = true,
        });
        var (restored, _) = await rds.WaitForInstanceAsync("pruned-restored", "available");
        await using var restoredConnection = await RdsTestEnvironment.ConnectAsync(restored, password);
        var notes = await RdsTestEnvironment.ScalarAsync<string>(restoredConnection, "SELECT string_agg(note, ',' ORDER BY note) FROM notes");

        Assert.True(keptWhileRetained, "a segment the oldest retained backup needs was pruned");
        Assert.Equal(2, backupsWhileRetained);
        Assert.False(IsArchived(archive, firstBackupStart), $"{firstBackupStart} is still archived after its backup expired");
        Assert.Single(remainingBackupStarts);
        Assert.Equal(remainingBackupStarts[0], oldestSegment);
        Assert.Single(Directory.GetDirectories(Path.Combine(rds.StateDirectory, "pg", "backups", instance["DbiResourceId"]!.GetValue<string>())));
        Assert.Equal("after,before", notes);
    }

    /// <summary>
    /// The start segments of the base backups whose history files (<c>&lt;segment&gt;.&lt;offset&gt;.backup</c>, compressed
    /// or not) are archived.
    /// </summary>
    internal static List<string> BackupStarts(string archive) =>
        Directory.EnumerateFiles(archive).Select(Path.GetFileName).OfType<string>()
            .Where(name => BackupHistoryName().IsMatch(name)).Select(name => name[..24]).Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether a segment is in the archive, compressed or plain.</summary>
    internal static bool IsArchived(string archive, string segment) =>
        File.Exists(Path.Combine(archive, segment + ".zst")) || File.Exists(Path.Combine(archive, segment));

    /// <summary>The WAL segment names in the archive, whether stored compressed (<c>.zst</c>) or plain.</summary>
    internal static List<string> Segments(string archive) =>
        Directory.EnumerateFiles(archive).Select(Path.GetFileName).OfType<string>().Where(name => SegmentName().IsMatch(name)).Select(name =>
            name[..24]).ToList();

    [GeneratedRegex(@"^[0-9A-F]{24}\.[0-9A-F]{8}\.backup(\.zst)?$", RegexOptions.CultureInvariant)]
    private static partial Regex BackupHistoryName();

    [GeneratedRegex(@"^[0-9A-F]{24}(\.zst)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentName();
}

/// <summary>The system clock moved on by <see cref="Offset"/>: lets backup retention days pass at once.</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
