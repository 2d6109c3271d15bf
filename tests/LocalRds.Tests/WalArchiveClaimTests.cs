using DisasterRecovery.LocalRds.Postgres;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// Claims on a shared WAL archive hold it only while their state folder exists and has been opened within its
/// retention period and a day: a test run killed half-way leaves its state folder behind, and must not hold the
/// archive forever.
/// </summary>
public sealed class WalArchiveClaimTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("rds-claims-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void OldestClaimedByOthers_WhenAClaimWasLastWrittenLongerAgoThanItsRetentionAndADay_ShouldDropIt()
    {
        var stateFile = StateFileNaming("db-LEFTBEHIND");
        ArchiveHolds.Write(_folder, "db-LEFTBEHIND", stateFile, "000000010000000000000003", Now.AddDays(-8.5), retentionDays: 7);
        var dropped = new List<string>();

        var oldest = ArchiveHolds.OldestClaimedByOthers(_folder, "db-SELF", Now, dropped.Add);

        Assert.Null(oldest);
        Assert.Equal(["db-LEFTBEHIND.json"], dropped);
        Assert.False(File.Exists(Path.Combine(_folder, ArchiveHolds.FolderName, "db-LEFTBEHIND.json")));
    }

    [Fact]
    public void OldestClaimedByOthers_WhenAClaimIsWithinItsRetention_ShouldHoldTheArchiveFromItsSegment()
    {
        ArchiveHolds.Write(_folder, "db-RECENT", StateFileNaming("db-RECENT"), "000000010000000000000005", Now.AddDays(-7.5), retentionDays: 7);
        ArchiveHolds.Write(_folder, "db-OLDER", StateFileNaming("db-OLDER"), "000000010000000000000004", Now.AddHours(-1), retentionDays: 1);

        var oldest = ArchiveHolds.OldestClaimedByOthers(_folder, "db-SELF", Now, _ => Assert.Fail("no claim is stale"));

        Assert.Equal("000000010000000000000004", oldest);
    }

    [Fact]
    public void OldestClaimedByOthers_WhenAClaimWasWrittenBeforeClaimsHadAnAge_ShouldStillHoldTheArchive()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, ArchiveHolds.FolderName)).FullName;
        var stateFile = StateFileNaming("db-LEGACY");
        File.WriteAllText(Path.Combine(folder, "db-LEGACY.json"),
            $$"""{"resourceId":"db-LEGACY","stateFile":"{{stateFile}}","oldestNeededWalFile":"000000010000000000000002"}""");

        var oldest = ArchiveHolds.OldestClaimedByOthers(_folder, "db-SELF", Now, _ => Assert.Fail("a claim without an age is not stale"));

        Assert.Equal("000000010000000000000002", oldest);
    }

    /// <summary>A state.json that still names the resource, as a live state folder's does.</summary>
    private string StateFileNaming(string resourceId)
    {
        var path = Path.Combine(_folder, resourceId + "-state.json");
        File.WriteAllText(path, $$"""{"instances":[{"resourceId":"{{resourceId}}"}]}""");
        return path;
    }
}
