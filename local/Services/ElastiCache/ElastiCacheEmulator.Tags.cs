using System.Text.Json.Nodes;
using DisasterRecovery.LocalElastiCache.Api;
using DisasterRecovery.LocalElastiCache.State;
using DisasterRecovery.LocalEmulation;

namespace DisasterRecovery.LocalElastiCache;

/// <summary>addTagsToResource and listTagsForResource, on replication groups and snapshots by ARN.</summary>
public sealed partial class ElastiCacheEmulator
{
    private const int MaxTags = 50;

    private async Task<JsonNode?> AddTagsToResourceAsync(JsonObject p, ServiceCallContext context, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        var added = Tags(p);
        return Change(state =>
        {
            var tags = TagsOf(state, Text(p, "ResourceName")!);
            foreach (var tag in added)
            {
                tags.RemoveAll(t => t.Key == tag.Key);
                tags.Add(tag);
            }

            if (tags.Count > MaxTags)
            {
                throw ElastiCacheErrors.TagQuotaPerResourceExceeded(MaxTags);
            }

            return Responses.TagList(tags);
        });
    }

    private async Task<JsonNode?> ListTagsForResourceAsync(JsonObject p, ServiceCallContext context, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        return ReadState(state => Responses.TagList(TagsOf(state, Text(p, "ResourceName")!)));
    }

    /// <summary>The tag list of the resource an ARN names (<c>…:replicationgroup:id</c> or <c>…:snapshot:name</c>).</summary>
    private static List<TagRecord> TagsOf(ElastiCacheStateDocument state, string arn)
    {
        var parsed = ElastiCacheNames.ResourceArn(arn) ?? throw ElastiCacheErrors.InvalidArn(arn);
        return parsed.Type switch
        {
            "replicationgroup" => FindGroup(state, parsed.Region, parsed.Name).Tags,
            "snapshot" => FindSnapshot(state, parsed.Region, parsed.Name).Tags,
            _ => throw ElastiCacheErrors.NotImplemented($"Tags on {parsed.Type} resources"),
        };
    }
}
