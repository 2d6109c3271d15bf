using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Audit.Tests;

/// <summary>An event that cannot be read is reported, not thrown; an unprotected audit bucket is refused and reported.</summary>
public sealed class UnreadableEventAndBucketProtectionTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task Verify_WhenAnEventsBytesNoLongerMatchItsStoredChecksum_ShouldNameTheEventAndGoOn()
    {
        // Arrange: flip one byte of event 3 in the local S3's storage, under the SHA-256 checksum S3 stored with it.
        var kit = await AuditTestKit.CreateAsync(_s3);
        await kit.AppendAsync(6);
        var file = Assert.Single(_s3.DataFilesOf(kit.Bucket, kit.KeyOf(3)));
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[10] ^= 0x20;
        await File.WriteAllBytesAsync(file, bytes);

        // Act
        var report = await kit.Verifier.VerifyAsync();

        // Assert
        Assert.False(report.Valid);
        var issue = Assert.Single(report.Issues);
        Assert.Equal(AuditChainProblem.Unreadable, issue.Problem);
        Assert.Equal(kit.KeyOf(3), issue.Key);
        Assert.Equal(3, report.FirstBadSequence);
        Assert.Contains("checksum", issue.Detail, StringComparison.Ordinal);
        Assert.Equal(5, report.VerifiedCount); // the walk went on past the unreadable event
        Assert.Equal(6, report.HeadSequence);
    }

    [Fact]
    public async Task Append_WhenTheAuditBucketHasNoObjectLock_ShouldRefuseNamingTheBucketAndWriteNothing()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync(versioned: true);
        var log = new AuditLog(_s3.Client, new AuditLogOptions { Bucket = bucket }, new JsonLogger("test", TextWriter.Null, _s3.Clock), _s3.Clock);

        // Act
        var error = await Assert.ThrowsAsync<BucketNotProtectedException>(() => log.AppendAsync(AuditTestKit.Event(1)));

        // Assert
        Assert.Contains($"bucket '{bucket}' (the audit log)", error.Message, StringComparison.Ordinal);
        Assert.Contains("ObjectLockEnabled", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _s3.ListKeysAsync(bucket));
    }

    [Fact]
    public async Task Append_WhenTheLockedBucketHasNoDefaultRetentionAndTheLogSetsNone_ShouldRefuseNamingTheDefaultRetention()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync(objectLock: true);
        var log = new AuditLog(_s3.Client, new AuditLogOptions { Bucket = bucket }, new JsonLogger("test", TextWriter.Null, _s3.Clock), _s3.Clock);

        // Act
        var error = await Assert.ThrowsAsync<BucketNotProtectedException>(() => log.AppendAsync(AuditTestKit.Event(1)));

        // Assert
        Assert.Contains("DefaultRetention", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_WhenUnprotectedBucketsAreAllowed_ShouldWriteTheEvent()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var options = AuditEnvironment.Read(new Dictionary<string, string> { ["AUDIT_BUCKET"] = bucket, ["ALLOW_UNPROTECTED_BACKUPS"] = "true" });
        var log = new AuditLog(_s3.Client, options, new JsonLogger("test", TextWriter.Null, _s3.Clock), _s3.Clock);

        // Act
        var record = await log.AppendAsync(AuditTestKit.Event(1));

        // Assert
        Assert.Equal(1, record.Sequence);
        Assert.Single(await _s3.ListKeysAsync(bucket));
    }

    [Fact]
    public async Task Check_WhenTheBackupBucketIsUnprotected_ShouldReportItAndLogAnError()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);
        var backupBucket = await _s3.CreateBucketAsync();
        var lines = new StringWriter();
        var check = new AuditChainCheck(kit.Verifier, new BucketProtectionCheck(_s3.Client,
            [new ProtectedBucket(kit.Bucket, "the audit log", true), new ProtectedBucket(backupBucket, "the backup catalog", false)], false));

        // Act
        var report = await check.RunAsync(new JsonLogger("test", lines, _s3.Clock), CancellationToken.None);

        // Assert
        Assert.True(report.Valid);
        Assert.NotNull(report.BucketProtection);
        Assert.True(report.BucketProtection[0].Protected);
        var unprotected = report.BucketProtection[1];
        Assert.False(unprotected.Protected);
        Assert.Equal(backupBucket, unprotected.Bucket);
        Assert.Contains(unprotected.Missing, m => m.Contains("ObjectLockEnabled", StringComparison.Ordinal));
        Assert.Contains("bucket not protected", lines.ToString(), StringComparison.Ordinal);
    }
}
