using DisasterRecovery.Catalog;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// The backup bucket's lifecycle from template.yaml, run by LocalS3 on its fake clock over Redis backups of both tiers: an
/// hourly backup is gone after its 24 hours (at the first lifecycle run after them), a six-hourly one after its 7 days.
/// </summary>
public sealed class RedisTierLifecycleTests : IAsyncLifetime
{
    private RedisBackupKit _kit = null!;

    public async Task InitializeAsync() => _kit = await RedisBackupKit.CreateAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Lifecycle_WhenTheTemplatesRulesRun_ShouldExpireHourlyAfterADayAndSixHourlyAfterAWeek()
    {
        // Arrange: the template's lifecycle on the kit's backup bucket; one backup of each tier.
        var lifecycle = TemplateLifecycle.Of("BackupBucket", _kit.BackupBucket);
        await _kit.S3.Client.PutLifecycleConfigurationAsync(lifecycle);
        await _kit.InvokeAsync(_kit.Backup(), """{"retentionTier": "hourly"}""");
        await _kit.InvokeAsync(_kit.Backup(), """{"retentionTier": "six-hourly"}""");

        // Act: S3 runs lifecycle at midnight UTC, counting from the creation time rounded up to the next midnight.
        var start = _kit.S3.Clock.GetUtcNow();
        var tiersAt = new Dictionary<int, List<RetentionTier>>();
        foreach (var day in new[] { 1, 3, 7, 9 })
        {
            _kit.S3.Clock.SetUtcNow(start.AddDays(day));
            tiersAt[day] = [.. (await _kit.Catalog.ListBackupsAsync(BackupEngine.Redis, RedisBackupKit.Source)).Select(entry => entry.RetentionTier).Order()];
        }

        // Assert
        Assert.Equal([RetentionTier.Hourly, RetentionTier.SixHourly], tiersAt[1]);
        Assert.Equal([RetentionTier.SixHourly], tiersAt[3]);
        Assert.Equal([RetentionTier.SixHourly], tiersAt[7]);
        Assert.Empty(tiersAt[9]);
    }
}
