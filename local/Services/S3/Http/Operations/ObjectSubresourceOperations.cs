using System.Xml.Linq;
using DisasterRecovery.LocalS3.Locking;
using DisasterRecovery.LocalS3.Storage;

namespace DisasterRecovery.LocalS3.Http.Operations;

/// <summary>Per-version subresources: tags, retention, legal hold.</summary>
internal sealed partial class S3Operations
{
    private const int MaxObjectTags = 10;

    public async Task GetObjectTagging(S3Call call)
    {
        var (version, _) = store.Read(call.Bucket, call.Key, call.VersionId, openData: false);
        ObjectHeaders.WriteVersionId(call.Response, version.VersionId, store.GetBucket(call.Bucket).Record);
        await S3Xml.WriteAsync(call.Response, TaggingDocument(version.Tags));
    }

    public async Task PutObjectTagging(S3Call call)
    {
        var tags = ParseTagging(await ReadXmlAsync(call, "Tagging"), MaxObjectTags);
        var updated = store.Update(call.Bucket, call.Key, call.VersionId, version => version with { Tags = tags });
        ObjectHeaders.WriteVersionId(call.Response, updated.VersionId, store.GetBucket(call.Bucket).Record);
        await Ok(call);
    }

    public Task DeleteObjectTagging(S3Call call)
    {
        var updated = store.Update(call.Bucket, call.Key, call.VersionId, version => version with { Tags = [] });
        ObjectHeaders.WriteVersionId(call.Response, updated.VersionId, store.GetBucket(call.Bucket).Record);
        return NoContent(call);
    }

    public async Task GetObjectRetention(S3Call call)
    {
        EnsureObjectLockBucket(call.Bucket);
        var (version, _) = store.Read(call.Bucket, call.Key, call.VersionId, openData: false);
        if (version.RetentionMode is null || version.RetainUntil is null)
        {
            throw new S3Exception(S3Errors.NoSuchObjectLockConfiguration);
        }

        await S3Xml.WriteAsync(call.Response, S3Xml.Element("Retention",
            S3Xml.Element("Mode", version.RetentionMode),
            S3Xml.Element("RetainUntilDate", S3Xml.Timestamp(version.RetainUntil.Value))));
    }

    public async Task PutObjectRetention(S3Call call)
    {
        EnsureObjectLockBucket(call.Bucket);
        var root = await ReadXmlAsync(call, "Retention");
        var modeValue = S3Xml.ChildValue(root, "Mode");
        var untilValue = S3Xml.ChildValue(root, "RetainUntilDate");
        if ((modeValue is null) != (untilValue is null))
        {
            throw new S3Exception(S3Errors.MalformedXML);
        }

        var mode = modeValue is null ? null : ObjectLockModes.Parse(modeValue);
        DateTimeOffset? until = untilValue is null ? null : ObjectHeaders.ParseTimestamp(untilValue, "RetainUntilDate");
        var now = store.Now;
        if (until is not null && until <= now)
        {
            throw new S3Exception(S3Errors.InvalidArgument, S3Errors.RetainUntilInPastMessage);
        }

        var bypass = call.HeaderIsTrue("x-amz-bypass-governance-retention");
        store.Update(call.Bucket, call.Key, call.VersionId, version =>
        {
            ObjectLockPolicy.EnsureRetentionChangeAllowed(version, mode, until, now, bypass);
            return version with { RetentionMode = mode, RetainUntil = until };
        });
        await Ok(call);
    }

    public async Task GetObjectLegalHold(S3Call call)
    {
        EnsureObjectLockBucket(call.Bucket);
        var (version, _) = store.Read(call.Bucket, call.Key, call.VersionId, openData: false);
        if (version.LegalHold is not { } hold)
        {
            throw new S3Exception(S3Errors.NoSuchObjectLockConfiguration);
        }

        await S3Xml.WriteAsync(call.Response, S3Xml.Element("LegalHold", S3Xml.Element("Status", hold ? "ON" : "OFF")));
    }

    public async Task PutObjectLegalHold(S3Call call)
    {
        EnsureObjectLockBucket(call.Bucket);
        var root = await ReadXmlAsync(call, "LegalHold");
        var hold = ObjectHeaders.ParseLegalHold(S3Xml.ChildValue(root, "Status") ?? string.Empty);
        store.Update(call.Bucket, call.Key, call.VersionId, version => version with { LegalHold = hold });
        await Ok(call);
    }

    private void EnsureObjectLockBucket(string bucket)
    {
        if (!store.GetBucket(bucket).Record.ObjectLockEnabled)
        {
            throw new S3Exception(S3Errors.InvalidRequest, S3Errors.BucketMissingLockConfigurationMessage);
        }
    }

    private static XElement TaggingDocument(IEnumerable<ObjectTag> tags) =>
        S3Xml.Element("Tagging", S3Xml.Element("TagSet", tags.Select(tag =>
            S3Xml.Element("Tag", S3Xml.Element("Key", tag.Key), S3Xml.Element("Value", tag.Value)))));

    private static List<ObjectTag> ParseTagging(XElement root, int maxTags)
    {
        var tagSet = S3Xml.Child(root, "TagSet") ?? throw new S3Exception(S3Errors.MalformedXML);
        var tags = S3Xml.Children(tagSet, "Tag")
            .Select(tag => new ObjectTag(S3Xml.ChildValue(tag, "Key") ?? string.Empty, S3Xml.ChildValue(tag, "Value") ?? string.Empty))
            .ToList();
        ObjectHeaders.ValidateTags(tags, maxTags);
        return tags;
    }
}
