using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

/// <summary>
/// Bucket lifecycle on the server's fake clock: S3 runs lifecycle once a day at midnight UTC, against each version's
/// creation (or noncurrent) time plus the rule's days rounded up to the next midnight, so the tests move the clock to
/// one second before and after such a midnight and look. No sleeping: nothing happens until the clock passes midnight.
/// </summary>
public class LifecycleTests
{
    private const string Bucket = "lifecycled";
    private const int LargeObject = 200_000;
    private static readonly Tag Monthly = new() { Key = "retention-tier", Value = "monthly" };
    private static readonly Tag Daily = new() { Key = "retention-tier", Value = "daily" };

    [Fact]
    public async Task Transition_WhenTheRuleDaysHavePassed_ShouldMoveMatchingObjectsAtTheNextMidnightKeepingBytesDatesAndLock()
    {
        // Arrange: the catalog's shape: data written STANDARD_IA, tagged with its tier, under COMPLIANCE retention.
        await using var host = await StartAsync(objectLock: true);
        await PutLifecycleAsync(host, new LifecycleRule
        {
            Id = "monthly-tier",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { Tag = Monthly },
            Transitions = [new LifecycleTransition { Days = 30, StorageClass = S3StorageClass.GlacierInstantRetrieval }],
            Expiration = new LifecycleRuleExpiration { Days = 366 },
        });
        var created = host.Clock.GetUtcNow();
        var retainUntil = created.UtcDateTime.AddDays(365);
        var bytes = TestData.Bytes(LargeObject);
        var monthly = await PutAsync(host, "monthly/dump", bytes, Monthly, S3StorageClass.StandardInfrequentAccess, retainUntil);
        var daily = await PutAsync(host, "daily/dump", bytes, Daily, S3StorageClass.StandardInfrequentAccess, retainUntil);
        var due = new DateTimeOffset(created.UtcDateTime.Date.AddDays(31), TimeSpan.Zero);

        // Act
        host.Clock.SetUtcNow(due.AddSeconds(-1));
        var before = await host.Client.GetObjectMetadataAsync(Bucket, "monthly/dump");
        host.Clock.SetUtcNow(due.AddSeconds(1));
        var after = await host.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = "monthly/dump", VersionId = monthly });
        var otherTier = await host.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = "daily/dump", VersionId = daily });
        using var read = await host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "monthly/dump", VersionId = monthly });
        var readBytes = await TestData.ReadAllAsync(read.ResponseStream);
        var retention =
            await host.Client.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = Bucket, Key = "monthly/dump", VersionId = monthly });

        // Assert
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, before.StorageClass);
        Assert.Equal(S3StorageClass.GlacierInstantRetrieval, after.StorageClass);
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, otherTier.StorageClass);
        Assert.Equal(bytes, readBytes);
        Assert.Equal(before.LastModified, after.LastModified);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(ObjectLockRetentionMode.Compliance, retention.Retention.Mode);
        Assert.Equal(retainUntil, retention.Retention.RetainUntilDate!.Value.ToUniversalTime(), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Transition_WhenTheRuleMovesObjectsToGlacier_ShouldLeaveThemUnreadableWithInvalidObjectState()
    {
        // Arrange: the lifecycle the backup bucket had before issue 11 (GLACIER after 30 days).
        await using var host = await StartAsync(objectLock: false);
        await PutLifecycleAsync(host, new LifecycleRule
        {
            Id = "monthly-tier-to-glacier",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { Tag = Monthly },
            Transitions = [new LifecycleTransition { Days = 30, StorageClass = S3StorageClass.Glacier }],
        });
        await PutAsync(host, "monthly/dump", TestData.Bytes(LargeObject), Monthly, S3StorageClass.StandardInfrequentAccess);
        using (var readable = await host.Client.GetObjectAsync(Bucket, "monthly/dump"))
        {
            Assert.Equal(LargeObject, (await TestData.ReadAllAsync(readable.ResponseStream)).Length);
        }

        // Act
        host.Clock.Advance(TimeSpan.FromDays(60));
        var failure = await Assert.ThrowsAsync<InvalidObjectStateException>(() => host.Client.GetObjectAsync(Bucket, "monthly/dump"));
        var head = await host.Client.GetObjectMetadataAsync(Bucket, "monthly/dump");

        // Assert
        Assert.Equal("InvalidObjectState", failure.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, failure.StatusCode);
        Assert.Equal(S3StorageClass.Glacier, failure.StorageClass);
        Assert.Equal(S3StorageClass.Glacier, head.StorageClass);
    }

    [Fact]
    public async Task Transition_WhenObjectIsUnder128KB_ShouldStayUnlessTheRuleFiltersBySizeOrSmallObjectsMayGoToGlacier()
    {
        // Arrange: transitions due at the first midnight (0 days).
        await using var host = await StartAsync(objectLock: false);
        var rules = new[]
        {
            Rule("instant", new LifecycleFilter { Prefix = "instant/" }, S3StorageClass.GlacierInstantRetrieval),
            Rule("sized", new LifecycleFilter { And = new LifecycleRuleAndOperator { Prefix = "sized/", ObjectSizeGreaterThan = 10 } },
                S3StorageClass.GlacierInstantRetrieval),
            Rule("archive", new LifecycleFilter { Prefix = "archive/" }, S3StorageClass.Glacier),
        };
        await PutLifecycleAsync(host, rules);
        foreach (var key in new[] { "instant/small", "sized/small", "archive/small" })
        {
            await PutAsync(host, key, TestData.Bytes(1000), tag: null, S3StorageClass.Standard);
        }

        await PutAsync(host, "instant/large", TestData.Bytes(LargeObject), tag: null, S3StorageClass.Standard);

        // Act 1: S3's default (all_storage_classes_128K).
        host.Clock.Advance(TimeSpan.FromDays(1));
        var firstRun = await ClassesAsync(host);

        // Act 2: small objects may go to Glacier Flexible Retrieval and Deep Archive.
        await PutLifecycleAsync(host, rules, TransitionDefaultMinimumObjectSize.VariesByStorageClass);
        host.Clock.Advance(TimeSpan.FromDays(1));
        var secondRun = await ClassesAsync(host);

        // Assert
        Assert.Equal(
            new Dictionary<string,
                string>
            { ["archive/small"] = "STANDARD", ["instant/large"] = "GLACIER_IR", ["instant/small"] = "STANDARD", ["sized/small"] = "GLACIER_IR" },
            firstRun);
        Assert.Equal("GLACIER", secondRun["archive/small"]);
        Assert.Equal("STANDARD", secondRun["instant/small"]);
    }

    [Fact]
    public async Task Expiration_WhenDueInALockedBucket_ShouldAddADeleteMarkerAndRemoveTheVersionOnlyOnceTheLockHasEnded()
    {
        // Arrange
        await using var host = await StartAsync(objectLock: true);
        await PutLifecycleAsync(host, new LifecycleRule
        {
            Id = "expire",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter(),
            Expiration = new LifecycleRuleExpiration { Days = 3 },
            NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 },
        });
        var created = host.Clock.GetUtcNow();
        var day = created.UtcDateTime.Date;
        var version = await PutAsync(host, "k", TestData.Bytes(100), tag: null, S3StorageClass.Standard, retainUntil: day.AddDays(10));

        // Act: expiration at the 4th midnight; the noncurrent version is due 2 midnights later but locked until day 10;
        // the marker, then alone and older than the expiration's 3 days, goes at the next midnight.
        host.Clock.SetUtcNow(new DateTimeOffset(day.AddDays(4).AddHours(1), TimeSpan.Zero));
        var expired = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => host.Client.GetObjectAsync(Bucket, "k"));
        host.Clock.SetUtcNow(new DateTimeOffset(day.AddDays(7), TimeSpan.Zero));
        var whileLocked = await VersionsAsync(host);
        host.Clock.SetUtcNow(new DateTimeOffset(day.AddDays(10).AddHours(1), TimeSpan.Zero));
        var afterLock = await VersionsAsync(host);
        host.Clock.SetUtcNow(new DateTimeOffset(day.AddDays(11).AddHours(1), TimeSpan.Zero));
        var markerAlone = await VersionsAsync(host);

        // Assert
        Assert.Equal("NoSuchKey", expired.ErrorCode);
        Assert.Equal(["k:marker", $"k:{version}"], whileLocked);
        Assert.Equal(["k:marker"], afterLock);
        Assert.Empty(markerAlone);
    }

    [Fact]
    public async Task Expiration_WhenBucketIsUnversioned_ShouldRemoveTheObject()
    {
        // Arrange
        await using var host = await StartAsync(objectLock: false);
        await PutLifecycleAsync(host, new LifecycleRule
        {
            Id = "expire-logs",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { Prefix = "logs/" },
            Expiration = new LifecycleRuleExpiration { Days = 1 },
        });
        await PutAsync(host, "logs/a", TestData.Bytes(10), tag: null, S3StorageClass.Standard);
        await PutAsync(host, "keep/a", TestData.Bytes(10), tag: null, S3StorageClass.Standard);

        // Act
        host.Clock.Advance(TimeSpan.FromDays(3));
        var keys = (await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket })).S3Objects.Select(o => o.Key);

        // Assert
        Assert.Equal(["keep/a"], keys);
    }

    [Fact]
    public async Task NoncurrentVersionTransition_WhenAVersionHasBeenNoncurrentLongEnough_ShouldMoveOnlyThatVersion()
    {
        // Arrange
        await using var host = await StartAsync(objectLock: true);
        await PutLifecycleAsync(host, new LifecycleRule
        {
            Id = "archive-old-versions",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter(),
            NoncurrentVersionTransitions = [new LifecycleRuleNoncurrentVersionTransition { NoncurrentDays = 2, StorageClass = S3StorageClass.DeepArchive }],
        });
        var first = await PutAsync(host, "k", TestData.Bytes(LargeObject, seed: 1), tag: null, S3StorageClass.Standard);
        host.Clock.Advance(TimeSpan.FromDays(5));
        var replacedAt = host.Clock.GetUtcNow();
        var second = await PutAsync(host, "k", TestData.Bytes(LargeObject, seed: 2), tag: null, S3StorageClass.Standard);

        // Act
        host.Clock.SetUtcNow(new DateTimeOffset(replacedAt.UtcDateTime.Date.AddDays(3), TimeSpan.Zero).AddSeconds(-1));
        var before = await host.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = "k", VersionId = first });
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        var listed = (await host.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket })).Versions.ToDictionary(v => v.VersionId, v =>
            v.StorageClass.Value);

        // Assert
        Assert.Null(before.StorageClass);
        Assert.Equal("DEEP_ARCHIVE", listed[first]);
        Assert.Equal("STANDARD", listed[second]);
    }

    [Fact]
    public async Task Lifecycle_WhenTheClockJumpsPastSeveralActions_ShouldRunEveryMidnightInOrderAsS3Would()
    {
        // Arrange: a weekly backup's life: IA, Glacier IR at day 30, a delete marker at day 91, gone a day after
        // becoming noncurrent once its 90-day lock has ended.
        await using var host = await StartAsync(objectLock: true);
        await PutLifecycleAsync(host, new LifecycleRule
        {
            Id = "weekly-tier",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { Tag = new Tag { Key = "retention-tier", Value = "weekly" } },
            Transitions = [new LifecycleTransition { Days = 30, StorageClass = S3StorageClass.GlacierInstantRetrieval }],
            Expiration = new LifecycleRuleExpiration { Days = 91 },
            NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 },
        });
        var weekly = new Tag { Key = "retention-tier", Value = "weekly" };
        var created = host.Clock.GetUtcNow();
        var version =
            await PutAsync(host, "weekly/dump", TestData.Bytes(LargeObject), weekly, S3StorageClass.StandardInfrequentAccess, created.UtcDateTime.AddDays(90));

        // Act: one jump to day 92 (the expiration ran at the 92nd midnight), then to day 95.
        host.Clock.SetUtcNow(new DateTimeOffset(created.UtcDateTime.Date.AddDays(92).AddHours(12), TimeSpan.Zero));
        var atExpiry = (await host.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket })).Versions;
        host.Clock.Advance(TimeSpan.FromDays(3));
        var later = await VersionsAsync(host);

        // Assert: the version had been moved to Glacier IR before it expired, then removed when the lock allowed.
        var noncurrent = Assert.Single(atExpiry, v => v.IsDeleteMarker != true);
        Assert.Equal(version, noncurrent.VersionId);
        Assert.Equal(S3StorageClass.GlacierInstantRetrieval, noncurrent.StorageClass);
        Assert.True(Assert.Single(atExpiry, v => v.IsDeleteMarker == true).IsLatest);
        Assert.Equal(["weekly/dump:marker"], later);
    }

    [Fact]
    public async Task AbortIncompleteMultipartUpload_WhenTheDaysHavePassed_ShouldAbortTheUpload()
    {
        // Arrange
        await using var host = await StartAsync(objectLock: false);
        await PutLifecycleAsync(host, new LifecycleRule
        {
            Id = "abort-incomplete-uploads",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter(),
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 1 },
        });
        await host.Client.InitiateMultipartUploadAsync(Bucket, "abandoned");

        // Act
        host.Clock.Advance(TimeSpan.FromDays(1));
        var afterOneDay = (await host.Client.ListMultipartUploadsAsync(Bucket)).MultipartUploads ?? [];
        host.Clock.Advance(TimeSpan.FromDays(1));
        var afterTwoDays = (await host.Client.ListMultipartUploadsAsync(Bucket)).MultipartUploads ?? [];

        // Assert: initiated today + 1 day, rounded up to the next midnight: the second midnight.
        Assert.Single(afterOneDay);
        Assert.Empty(afterTwoDays);
    }

    [Fact]
    public async Task PutLifecycleConfiguration_WhenTheDefaultMinimumObjectSizeIsGiven_ShouldReturnItOnPutAndGet()
    {
        // Arrange
        await using var host = await StartAsync(objectLock: false);

        // Act
        var put = await host.Client.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = Bucket,
            TransitionDefaultMinimumObjectSize = TransitionDefaultMinimumObjectSize.VariesByStorageClass,
            Configuration = new LifecycleConfiguration { Rules = [Rule("r", new LifecycleFilter(), S3StorageClass.Glacier)] },
        });
        var got = await host.Client.GetLifecycleConfigurationAsync(Bucket);
        await PutLifecycleAsync(host, Rule("r", new LifecycleFilter(), S3StorageClass.Glacier));
        var defaulted = await host.Client.GetLifecycleConfigurationAsync(Bucket);

        // Assert
        Assert.Equal(TransitionDefaultMinimumObjectSize.VariesByStorageClass, put.TransitionDefaultMinimumObjectSize);
        Assert.Equal(TransitionDefaultMinimumObjectSize.VariesByStorageClass, got.TransitionDefaultMinimumObjectSize);
        Assert.Equal(TransitionDefaultMinimumObjectSize.AllStorageClasses128K, defaulted.TransitionDefaultMinimumObjectSize);
    }

    public static TheoryData<string, string, string> RefusedConfigurations => new()
    {
        { "InvalidArgument", "greater than or equal to 30 for storageClass 'STANDARD_IA'",
            Rule("<Filter/>", "<Transition><Days>29</Days><StorageClass>STANDARD_IA</StorageClass></Transition>") },
        { "InvalidArgument", "'Days' in the Expiration action must be greater than 'Days' in the Transition action",
            Rule("<Filter/>", "<Transition><Days>30</Days><StorageClass>GLACIER_IR</StorageClass></Transition><Expiration><Days>30</Days></Expiration>") },
        { "InvalidArgument", "must be 30 days more than",
            Rule("<Filter/>",
                "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>" +
                "<Transition><Days>40</Days><StorageClass>GLACIER</StorageClass></Transition>") },
        { "InvalidArgument", "'Days' in Transition action for StorageClass 'GLACIER' must be greater than",
            Rule("<Filter/>",
                "<Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition>" +
                "<Transition><Days>20</Days><StorageClass>GLACIER_IR</StorageClass></Transition>") },
        { "InvalidArgument", "does not transition objects from ONEZONE_IA to GLACIER_IR",
            Rule("<Filter/>",
                "<Transition><Days>30</Days><StorageClass>ONEZONE_IA</StorageClass></Transition>" +
                "<Transition><Days>90</Days><StorageClass>GLACIER_IR</StorageClass></Transition>") },
        { "InvalidArgument", "is not a StorageClass",
            Rule("<Filter/>", "<Transition><Days>30</Days><StorageClass>STANDARD</StorageClass></Transition>") },
        { "InvalidArgument", "AbortIncompleteMultipartUpload cannot be specified with a tag filter",
            Rule("<Filter><Tag><Key>retention-tier</Key><Value>daily</Value></Tag></Filter>",
                "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>") },
        { "InvalidArgument", "must be midnight GMT",
            Rule("<Filter/>", "<Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration>") },
        { "InvalidArgument", "'Days' for Expiration action must be a positive integer",
            Rule("<Filter/>", "<Expiration><Days>0</Days></Expiration>") },
        { "InvalidRequest", "At least one action needs to be specified in a rule",
            Rule("<Filter/>", string.Empty) },
        { "MalformedXML", "exactly one of Filter and Prefix",
            Rule(string.Empty, "<Expiration><Days>1</Days></Expiration>") },
        { "MalformedXML", "holds one of Prefix, Tag",
            Rule("<Filter><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>", "<Expiration><Days>1</Days></Expiration>") },
        { "InvalidArgument", "Rule ID must be unique",
            $"<LifecycleConfiguration>{RuleElement("<Filter/>", "<Expiration><Days>1</Days></Expiration>")}" +
            $"{RuleElement("<Filter/>", "<Expiration><Days>2</Days></Expiration>")}</LifecycleConfiguration>" },
    };

    [Theory]
    [MemberData(nameof(RefusedConfigurations))]
    public async Task PutLifecycleConfiguration_WhenS3WouldRefuseTheRules_ShouldAnswerS3sErrorNamingTheProblemAndKeepTheOldOne(string code, string message,
        string document)
    {
        // Arrange
        await using var host = await StartAsync(objectLock: false);
        await PutLifecycleAsync(host, Rule("existing", new LifecycleFilter(), S3StorageClass.Glacier));
        var body = Encoding.UTF8.GetBytes(document);
        var request = RawRequests.Signed(HttpMethod.Put, host.Server.Endpoint, $"/{Bucket}/", body,
            Convert.ToHexStringLower(SHA256.HashData(body)), query: "lifecycle");

        // Act
        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        var error = await response.Content.ReadAsStringAsync();
        var kept = await host.Client.GetLifecycleConfigurationAsync(Bucket);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"<Code>{code}</Code>", error, StringComparison.Ordinal);
        Assert.Contains(message, WebUtility.HtmlDecode(error), StringComparison.Ordinal);
        Assert.Equal("existing", Assert.Single(kept.Configuration.Rules).Id);
    }

    private static string Rule(string filter, string actions) => $"<LifecycleConfiguration>{RuleElement(filter, actions)}</LifecycleConfiguration>";

    private static string RuleElement(string filter, string actions) => $"<Rule><ID>r</ID>{filter}<Status>Enabled</Status>{actions}</Rule>";

    private static LifecycleRule Rule(string id, LifecycleFilter filter, S3StorageClass target) => new()
    {
        Id = id,
        Status = LifecycleRuleStatus.Enabled,
        Filter = filter,
        Transitions = [new LifecycleTransition { Days = 0, StorageClass = target }],
    };

    private static Task PutLifecycleAsync(LocalS3Host host, params LifecycleRule[] rules) => PutLifecycleAsync(host, rules, null);

    private static async Task PutLifecycleAsync(LocalS3Host host, LifecycleRule[] rules, TransitionDefaultMinimumObjectSize? minimumObjectSize) =>
        await host.Client.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = Bucket,
            TransitionDefaultMinimumObjectSize = minimumObjectSize,
            Configuration = new LifecycleConfiguration { Rules = [.. rules] },
        });

    /// <summary>Puts an object and returns its version id.</summary>
    private static async Task<string> PutAsync(LocalS3Host host, string key, byte[] bytes, Tag? tag, S3StorageClass storageClass, DateTime? retainUntil = null)
    {
        var request = new PutObjectRequest
        {
            BucketName = Bucket,
            Key = key,
            InputStream = new MemoryStream(bytes),
            StorageClass = storageClass,
            TagSet = tag is null ? null : [tag],
        };
        if (retainUntil is { } until)
        {
            request.ObjectLockMode = ObjectLockMode.Compliance;
            request.ObjectLockRetainUntilDate = until;
        }

        return (await host.Client.PutObjectAsync(request)).VersionId;
    }

    private static async Task<Dictionary<string, string>> ClassesAsync(LocalS3Host host) =>
        (await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket })).S3Objects
            .ToDictionary(o => o.Key, o => o.StorageClass.Value);

    /// <summary>Every version as key:versionId, delete markers as key:marker, newest first.</summary>
    private static async Task<List<string>> VersionsAsync(LocalS3Host host) =>
        ((await host.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket })).Versions ?? [])
            .Select(v => $"{v.Key}:{(v.IsDeleteMarker == true ? "marker" : v.VersionId)}").ToList();

    private static async Task<LocalS3Host> StartAsync(bool objectLock)
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket, ObjectLockEnabledForBucket = objectLock });
        return host;
    }
}
