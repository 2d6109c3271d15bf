using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Audit;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Audit.Tests;

public sealed class AuditLogTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task Append_WhenEventsAreAppended_ShouldChainThemAndWriteEachToTheJsonLog()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);

        // Act
        var records = await kit.AppendAsync(20);

        // Assert
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(AuditCanonicalJson.GenesisHash, records[0].PreviousHash);
        for (var i = 1; i < records.Count; i++)
        {
            Assert.Equal(records[i - 1].Hash, records[i].PreviousHash);
        }

        Assert.All(records, r => Assert.Equal(AuditCanonicalJson.ComputeHash(r), r.Hash));
        var lines = kit.LogLines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, lines.Length);
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal("audit event", last.RootElement.GetProperty("message").GetString());
        Assert.Equal(20, last.RootElement.GetProperty("sequence").GetInt64());
        Assert.Equal(records[^1].Hash, last.RootElement.GetProperty("eventHash").GetString());
        Assert.Equal(records[^1].Actor, last.RootElement.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Append_WhenSeveralAppendersRace_ShouldNotForkTheChainAndKeepSequencesContiguous()
    {
        // Arrange: four independent appenders (own client, own AuditLog), ten events each.
        var kit = await AuditTestKit.CreateAsync(_s3);
        var clients = Enumerable.Range(0, 4).Select(_ => _s3.CreateClient()).ToList();
        var appenders = clients.Select(c => new AuditLog(c, kit.Options, new JsonLogger("test", TextWriter.Null, _s3.Clock), _s3.Clock)).ToList();

        // Act
        var results = await Task.WhenAll(appenders.Select((log, a) => Task.Run(async () =>
        {
            var mine = new List<AuditRecord>();
            for (var i = 0; i < 10; i++)
            {
                mine.Add(await log.AppendAsync(AuditTestKit.Event((a * 10) + i)));
            }

            return mine;
        })));
        var report = await kit.Verifier.VerifyAsync();
        clients.ForEach(c => c.Dispose());
        var lostClaims = _s3.CountRequests("PutObject", 412);

        // Assert
        var all = results.SelectMany(r => r).OrderBy(r => r.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), all.Select(r => r.Sequence));
        Assert.Equal(40, all.Select(r => r.PreviousHash).Distinct().Count()); // no two events claim the same parent
        Assert.True(report.Valid, report.FirstProblemDetail);
        Assert.Equal(40, report.EventCount);
        Assert.Equal(40, report.VerifiedCount);
        Assert.Equal(all[^1].Hash, report.HeadHash);
        Assert.True(lostClaims > 0, "the appenders never raced for a sequence; the test proved nothing");
    }

    [Fact]
    public async Task Append_WhenStored_ShouldBeCheckableWithNothingButSha256()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);
        var record = (await kit.AppendAsync(1)).Single();

        // Act
        var stored = Encoding.UTF8.GetString(await _s3.GetBytesAsync(kit.Bucket, kit.KeyOf(1)));
        var suffix = $",\"hash\":\"{record.Hash}\"}}";
        var canonical = stored[..^suffix.Length] + "}";

        // Assert
        Assert.EndsWith(suffix, stored, StringComparison.Ordinal);
        Assert.Equal(record.Hash, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
        Assert.StartsWith("{\"eventId\":", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_WhenTheBucketHasObjectLock_ShouldStoreEveryEventUnderRetention()
    {
        // Arrange: one bucket with a default rule, one without (the log sets retention per event).
        var kit = await AuditTestKit.CreateAsync(_s3);
        var bareBucket = await _s3.CreateBucketAsync(objectLock: true);
        var perEvent = new AuditLog(
            _s3.Client,
            new AuditLogOptions { Bucket = bareBucket, Retention = TimeSpan.FromDays(2555) },
            new JsonLogger("test", TextWriter.Null, _s3.Clock),
            _s3.Clock);

        // Act
        await kit.AppendAsync(1);
        await perEvent.AppendAsync(AuditTestKit.Event(1));
        var byDefault = await _s3.Client.GetObjectMetadataAsync(kit.Bucket, kit.KeyOf(1));
        var explicitly = await _s3.Client.GetObjectMetadataAsync(bareBucket, AuditKeys.Event(AuditLogOptions.DefaultPrefix, 1));
        var deleteRequest = new DeleteObjectRequest { BucketName = kit.Bucket, Key = kit.KeyOf(1), VersionId = byDefault.VersionId };
        var delete = await Record.ExceptionAsync(() => _s3.Client.DeleteObjectAsync(deleteRequest));

        // Assert
        Assert.Equal(ObjectLockMode.Compliance, byDefault.ObjectLockMode);
        Assert.Equal(ObjectLockMode.Compliance, explicitly.ObjectLockMode);
        Assert.True(explicitly.ObjectLockRetainUntilDate > _s3.Clock.GetUtcNow().UtcDateTime.AddDays(2554));
        Assert.IsType<AmazonS3Exception>(delete);
    }

    [Theory]
    [InlineData("Backup", "action")]
    [InlineData("back up", "action")]
    [InlineData("", "action")]
    public async Task Append_WhenTheActionIsInvalid_ShouldThrowInvalidInputAndWriteNothing(string action, string field)
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => kit.Log.AppendAsync(AuditTestKit.Event(1) with { Action = action }));

        // Assert
        Assert.Equal(field, error.Field);
        Assert.Empty(await _s3.ListKeysAsync(kit.Bucket));
    }

    [Fact]
    public async Task Append_WhenTheActorHasAControlCharacter_ShouldThrowInvalidInputNamingActor()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => kit.Log.AppendAsync(AuditTestKit.Event(1) with { Actor = "eve\nforged line" }));

        // Assert
        Assert.Equal("actor", error.Field);
        Assert.Empty(await _s3.ListKeysAsync(kit.Bucket));
    }

    [Fact]
    public async Task Append_WhenTheBucketDoesNotExist_ShouldThrowStorageNotFound()
    {
        // Arrange
        var log = new AuditLog(
            _s3.Client, new AuditLogOptions { Bucket = "no-such-audit-bucket" }, new JsonLogger("test", TextWriter.Null, _s3.Clock), _s3.Clock);

        // Act
        var error = await Assert.ThrowsAsync<StorageNotFoundException>(() => log.AppendAsync(AuditTestKit.Event(1)));

        // Assert
        Assert.Equal("no-such-audit-bucket", error.Bucket);
    }

    [Fact]
    public async Task Append_WhenTheNewestEventIsUnreadable_ShouldThrowAuditLogCorruptedAndWriteNothing()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);
        await kit.AppendAsync(3);
        await _s3.PutBytesAsync(kit.Bucket, kit.KeyOf(3), Encoding.UTF8.GetBytes("not json"));
        var before = await _s3.ListKeysAsync(kit.Bucket);

        // Act
        var error = await Assert.ThrowsAsync<AuditLogCorruptedException>(() => kit.Log.AppendAsync(AuditTestKit.Event(4)));

        // Assert
        Assert.Contains(kit.KeyOf(3), error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _s3.ListKeysAsync(kit.Bucket));
    }
}
