using System.Text;
using DisasterRecovery.Audit;
using DisasterRecovery.Core;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Audit.Tests;

public sealed class AuditChainVerifierTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task Verify_WhenTheChainIsIntact_ShouldBeValidWithCountsAndHead()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);
        var records = await kit.AppendAsync(12);

        // Act
        var report = await kit.Verifier.VerifyAsync();

        // Assert
        Assert.True(report.Valid, report.FirstProblemDetail);
        Assert.Equal(12, report.EventCount);
        Assert.Equal(12, report.VerifiedCount);
        Assert.Equal(12, report.HeadSequence);
        Assert.Equal(records[^1].Hash, report.HeadHash);
        Assert.Null(report.FirstBadSequence);
        Assert.Empty(report.Issues);
    }

    [Fact]
    public async Task Verify_WhenTheLogIsEmpty_ShouldBeValidWithNoEvents()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);

        // Act
        var report = await kit.Verifier.VerifyAsync();

        // Assert
        Assert.True(report.Valid);
        Assert.Equal(0, report.EventCount);
        Assert.Equal(0, report.HeadSequence);
    }

    [Fact]
    public async Task Verify_WhenAnEventIsDeleted_ShouldNameItAsTheFirstBadEventMissing()
    {
        // Arrange: a plain DELETE, which Object Lock allows (it only adds a delete marker).
        var kit = await AuditTestKit.CreateAsync(_s3);
        await kit.AppendAsync(10);
        await _s3.Client.DeleteObjectAsync(kit.Bucket, kit.KeyOf(5));

        // Act
        var report = await kit.Verifier.VerifyAsync();

        // Assert
        Assert.False(report.Valid);
        Assert.Equal(5, report.FirstBadSequence);
        Assert.Equal(AuditChainProblem.Missing, report.FirstProblem);
        Assert.Equal(kit.KeyOf(5), report.FirstBadKey);
        Assert.Equal(9, report.EventCount);
        Assert.Contains(report.Issues, i => i.Sequence == 5 && i.Problem == AuditChainProblem.Rewritten);
    }

    [Fact]
    public async Task Verify_WhenOneByteOfAnEventIsAltered_ShouldNameThatEventAsAltered()
    {
        // Arrange: flip the case of one letter in event 7's resource: still valid JSON, different content.
        var kit = await AuditTestKit.CreateAsync(_s3);
        await kit.AppendAsync(12);
        var bytes = await _s3.GetBytesAsync(kit.Bucket, kit.KeyOf(7));
        var at = Encoding.UTF8.GetString(bytes).IndexOf("technician-marketplace", StringComparison.Ordinal);
        bytes[at] ^= 0x20;
        await _s3.PutBytesAsync(kit.Bucket, kit.KeyOf(7), bytes);

        // Act
        var report = await kit.Verifier.VerifyAsync();

        // Assert
        Assert.False(report.Valid);
        Assert.Equal(7, report.FirstBadSequence);
        Assert.Equal(AuditChainProblem.Altered, report.FirstProblem);
        Assert.Equal(11, report.VerifiedCount);
    }

    [Fact]
    public async Task Verify_WhenAnEventIsNoLongerJson_ShouldNameItAsAltered()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);
        await kit.AppendAsync(4);
        var bytes = await _s3.GetBytesAsync(kit.Bucket, kit.KeyOf(2));
        bytes[0] ^= 0x01; // '{' becomes 'z'
        await _s3.PutBytesAsync(kit.Bucket, kit.KeyOf(2), bytes);

        // Act
        var report = await kit.Verifier.VerifyAsync();

        // Assert
        Assert.Equal(2, report.FirstBadSequence);
        Assert.Equal(AuditChainProblem.Altered, report.FirstProblem);
        Assert.Contains("not a readable audit record", report.FirstProblemDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WhenTwoEventsAreSwapped_ShouldNameTheFirstOfThemAsOutOfPlace()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);
        await kit.AppendAsync(8);
        var third = await _s3.GetBytesAsync(kit.Bucket, kit.KeyOf(3));
        var fourth = await _s3.GetBytesAsync(kit.Bucket, kit.KeyOf(4));
        await _s3.PutBytesAsync(kit.Bucket, kit.KeyOf(3), fourth);
        await _s3.PutBytesAsync(kit.Bucket, kit.KeyOf(4), third);

        // Act
        var report = await kit.Verifier.VerifyAsync();

        // Assert
        Assert.False(report.Valid);
        Assert.Equal(3, report.FirstBadSequence);
        Assert.Equal(AuditChainProblem.OutOfPlace, report.FirstProblem);
        Assert.Contains(report.Issues, i => i.Sequence == 4 && i.Problem == AuditChainProblem.OutOfPlace);
    }

    [Fact]
    public async Task Verify_WhenAnEventIsReplacedWithAValidHash_ShouldReportTheBrokenLinkAfterIt()
    {
        // Arrange: event 4 rewritten with a self-consistent hash; event 5 still points at the original.
        var kit = await AuditTestKit.CreateAsync(_s3);
        var records = await kit.AppendAsync(6);
        var forged = records[3] with { Actor = "someone-else", Hash = string.Empty };
        forged = forged with { Hash = AuditCanonicalJson.ComputeHash(forged) };
        await _s3.PutBytesAsync(kit.Bucket, kit.KeyOf(4), AuditCanonicalJson.Stored(forged));

        // Act
        var report = await kit.Verifier.VerifyAsync();

        // Assert
        Assert.Equal(4, report.FirstBadSequence);
        Assert.Equal(AuditChainProblem.Rewritten, report.FirstProblem);
        Assert.Contains(report.Issues, i => i.Sequence == 5 && i.Problem == AuditChainProblem.BrokenLink);
    }

    [Fact]
    public async Task Verify_WhenTheTailIsRewrittenAsAConsistentChain_ShouldStillNameTheFirstRewrittenEvent()
    {
        // Arrange: events 6..10 re-forged with recomputed hashes: the chain itself checks out; the
        // Object Lock version history does not.
        var kit = await AuditTestKit.CreateAsync(_s3);
        var records = await kit.AppendAsync(10);
        var previous = records[4].Hash;
        for (var i = 5; i < 10; i++)
        {
            var forged = records[i] with { Result = AuditResults.Failed, PreviousHash = previous, Hash = string.Empty };
            forged = forged with { Hash = AuditCanonicalJson.ComputeHash(forged) };
            await _s3.PutBytesAsync(kit.Bucket, kit.KeyOf(forged.Sequence), AuditCanonicalJson.Stored(forged));
            previous = forged.Hash;
        }

        // Act
        var report = await kit.Verifier.VerifyAsync();

        // Assert
        Assert.False(report.Valid);
        Assert.Equal(10, report.VerifiedCount); // every hash and link is consistent...
        Assert.Equal(6, report.FirstBadSequence); // ...but the history shows where the rewriting began
        Assert.Equal(AuditChainProblem.Rewritten, report.FirstProblem);
        Assert.Equal(5, report.IssueCount);
    }

    [Fact]
    public async Task Verify_WhenAForeignObjectIsInTheEventsFolder_ShouldReportItAsUnexpected()
    {
        // Arrange
        var kit = await AuditTestKit.CreateAsync(_s3);
        await kit.AppendAsync(2);
        await _s3.PutBytesAsync(kit.Bucket, AuditKeys.Events(AuditTestKit.Prefix) + "planted.json", Encoding.UTF8.GetBytes("{}"));

        // Act
        var report = await kit.Verifier.VerifyAsync();

        // Assert
        Assert.False(report.Valid);
        Assert.Equal(AuditChainProblem.Unexpected, report.FirstProblem);
        Assert.Equal(2, report.VerifiedCount);
    }

    [Fact]
    public async Task Verify_WhenTheBucketDoesNotExist_ShouldThrowStorageNotFound()
    {
        // Arrange
        var verifier = new AuditChainVerifier(_s3.Client, new AuditLogOptions { Bucket = "no-such-audit-bucket" });

        // Act
        var error = await Assert.ThrowsAsync<StorageNotFoundException>(() => verifier.VerifyAsync());

        // Assert
        Assert.Equal("no-such-audit-bucket", error.Bucket);
    }
}
