using DisasterRecovery.Catalog;
using DisasterRecovery.LocalCloud.Schedules;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// A simulated week of the stack's Redis schedules (the local cloud's <c>simulate-schedules</c> plan of template.yaml): every
/// hourly RedisBackup firing and every daily RedisVerify firing, run at its time on the services' and LocalS3's shared clock
/// against a real redis-server, under the template's lifecycle rules. At the week's end the snapshots the retention keeps are
/// exactly every hour of the last 24 hours and every six hours of the 7 days; what is past its retention is gone at the lifecycle's
/// next midnight runs, and the verified index holds each day's verified six-hourly snapshot.
/// </summary>
public sealed class RedisScheduleWeekTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);
    private RedisBackupKit _kit = null!;
    private RedisServerProcess _source = null!;

    public async Task InitializeAsync()
    {
        _kit = await RedisBackupKit.CreateAsync(clockStart: Monday.AddMinutes(-1));
        _source = await RedisVerifyKit.StartSourceAsync(_kit);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _kit.DisposeAsync();
    }

    [Fact]
    public async Task SimulateSchedules_WhenAWeekOfRedisFiringsRuns_ShouldKeepTheLast24HoursAndEverySixHoursForSevenDays()
    {
        // Arrange: the week's plan from the repository's template, and its lifecycle on the backup bucket.
        var lifecycle = TemplateLifecycle.Of("BackupBucket", _kit.BackupBucket);
        await _kit.S3.Client.PutLifecycleConfigurationAsync(lifecycle);
        var stack = StackLoader.Load(RepositoryPaths.Of("template.yaml"), new StackSettings());
        var plan = ScheduleSimulator.Plan(stack, Monday, Monday.AddDays(7))
            .Where(f => f.Schedule.TargetLogicalId is "RedisBackupFunction" or "RedisVerifyFunction").ToList();
        var backups = plan.Where(f => f.Schedule.TargetLogicalId == "RedisBackupFunction").ToList();
        var verifications = plan.Where(f => f.Schedule.TargetLogicalId == "RedisVerifyFunction").ToList();
        Assert.Equal(Enumerable.Range(0, 168).Select(h => Monday.AddHours(h)), backups.Select(f => f.At));
        Assert.Equal(Enumerable.Range(0, 7).Select(d => Monday.AddDays(d).AddMinutes(20)), verifications.Select(f => f.At));

        // Act: each firing at its time with its input; the clock then stops half an hour after the last backup.
        var started = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var verified = new List<string>();
        foreach (var firing in plan)
        {
            _kit.S3.Clock.SetUtcNow(firing.At);
            if (firing.Schedule.TargetLogicalId == "RedisBackupFunction")
            {
                var result = await _kit.InvokeAsync(_kit.Backup(), firing.Input);
                started[result.GetProperty("backupId").GetString()!] = firing.At;
            }
            else
            {
                var result = await _kit.InvokeAsync(_kit.Verify(), firing.Input);
                Assert.True(result.GetProperty("passed").GetBoolean(), result.ToString());
                verified.Add(result.GetProperty("backupId").GetString()!);
            }
        }

        var end = Monday.AddDays(7).AddMinutes(-30);
        _kit.S3.Clock.SetUtcNow(end);
        var listed = await _kit.Catalog.ListBackupsAsync(BackupEngine.Redis, RedisBackupKit.Source);
        var retained = new List<DateTimeOffset>();
        foreach (var entry in listed)
        {
            var manifest = await _kit.Catalog.ReadManifestAsync(entry);
            Assert.Equal(RetentionPolicy.HourlyTierFor(manifest.StartedAt), manifest.RetentionTier);
            if (manifest.RetainUntil > end)
            {
                retained.Add(started[manifest.BackupId.Value]);
            }
        }

        // Assert: retention keeps exactly the last 24 hours' snapshots and every six-hourly one of the week: 24 + 24.
        var expected = Enumerable.Range(0, 168).Select(h => Monday.AddHours(h)).Where(at => at > end.AddHours(-24) || at.Hour % 6 == 0).ToList();
        Assert.Equal(48, expected.Count);
        Assert.Equal(expected, retained.Order());
        Assert.Equal(28, expected.Count(at => at.Hour % 6 == 0));

        // The lifecycle removed, at its midnight runs, every snapshot whose expiration day (2 for hourly, 8 for six-hourly, counted
        // from the midnight after its creation) has come, and nothing the retention keeps.
        var stillListed = started.Values.Where(at => NextMidnight(at).AddDays(at.Hour % 6 == 0 ? 8 : 2) > end).Order().ToList();
        Assert.Equal(stillListed, listed.Select(entry => started[entry.BackupId.Value]).Order());
        Assert.Subset(stillListed.ToHashSet(), expected.ToHashSet());

        // Each day's 00:20 verification verified that day's 00:00 six-hourly snapshot, and the verified index lists them all.
        Assert.Equal(Enumerable.Range(0, 7).Select(d => Monday.AddDays(d)), verified.Select(id => started[id]));
        var index = await _kit.Catalog.ListBackupsAsync(BackupEngine.Redis, RedisBackupKit.Source, verifiedOnly: true);
        Assert.Equal(verified.AsEnumerable().Reverse(), index.Select(entry => entry.BackupId.Value));
    }

    /// <summary>The first midnight UTC after <paramref name="at"/> (at itself when it is one).</summary>
    private static DateTimeOffset NextMidnight(DateTimeOffset at) =>
        at.TimeOfDay == TimeSpan.Zero ? at : new DateTimeOffset(at.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
}
