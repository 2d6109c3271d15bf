using System.Text.Json.Nodes;
using DisasterRecovery.LocalRds.Api;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

// addTagsToResource, listTagsForResource, removeTagsFromResource (by ARN), describeDBInstanceAutomatedBackups.
public sealed partial class RdsEmulator
{
    private async Task<JsonObject> AddTagsAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var resource = request.RequiredString("ResourceName");
        var tags = request.Tags();
        if (tags.Count == 0)
        {
            throw RdsErrors.MissingParameter("Tags");
        }

        await WithTaggedResourceAsync(region, resource, existing => MergeTags(existing, tags), cancellationToken).ConfigureAwait(false);
        return [];
    }

    private async Task<JsonObject> ListTagsAsync(string region, Request request, CancellationToken cancellationToken)
    {
        // Filters is accepted and, as RDS documents for this action, not applied.
        var tags = await WithTaggedResourceAsync(region, request.RequiredString("ResourceName"), null, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["TagList"] = Responses.Tags(tags) };
    }

    private async Task<JsonObject> RemoveTagsAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var keys = request.Strings("TagKeys").ToHashSet(StringComparer.Ordinal);
        await WithTaggedResourceAsync(region, request.RequiredString("ResourceName"), existing => existing.Where(t => !keys.Contains(t.Key)).ToList(),
            cancellationToken).ConfigureAwait(false);
        return [];
    }

    /// <summary>Finds the instance or snapshot an ARN names, optionally replaces its tags, and returns them.</summary>
    private async Task<List<RdsTag>> WithTaggedResourceAsync(string region, string resourceName, Func<List<RdsTag>, List<RdsTag>>? change,
        CancellationToken cancellationToken)
    {
        var arn = Identifiers.ParseArn(resourceName);
        if (arn is null || arn.Region != region || arn.Account != _options.AccountId || arn.ResourceType is not ("db" or "snapshot"))
        {
            throw RdsErrors.InvalidParameterValue($"The specified resource name {resourceName} does not match an RDS resource in this region.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<RdsTag> result;
            if (arn.ResourceType == "db")
            {
                var instance = FindInstance(region, resourceName, "ResourceName");
                if (change is not null)
                {
                    instance.Tags = change(instance.Tags);
                }

                result = [.. instance.Tags];
            }
            else
            {
                var snapshot = FindSnapshot(region, resourceName);
                if (change is not null)
                {
                    snapshot.Tags = change(snapshot.Tags);
                }

                result = [.. snapshot.Tags];
            }

            if (change is not null)
            {
                Save();
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonObject> DescribeAutomatedBackupsAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var identifier = request.String("DbInstanceIdentifier");
        var resourceId = request.String("DbiResourceId");
        var backupsArn = request.String("DbInstanceAutomatedBackupsArn");
        var filters = request.Filters();
        foreach (var filter in filters)
        {
            if (filter.Name is not ("db-instance-id" or "dbi-resource-id" or "status"))
            {
                throw RdsErrors.InvalidParameterValue(
                    $"Unrecognized filter name: {filter.Name}. The local RDS emulator filters on db-instance-id, dbi-resource-id and status.");
            }
        }

        var max = request.MaxRecords() ?? 100;
        List<(InstanceRecord Record, string Status)> selected;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var all = _state.Instances.Where(i => i.Region == region && i.AutomatedBackups.Count > 0).Select(i => (Record: i, Status: "active"))
                .Concat(_state.RetainedBackups.Where(i => i.Region == region).Select(i => (Record: i, Status: "retained")));
            if (identifier is not null)
            {
                var name = NormalizedInstanceName(region, identifier);
                all = all.Where(x => x.Record.Identifier == name);
            }

            if (resourceId is not null)
            {
                all = all.Where(x => x.Record.ResourceId == resourceId);
            }

            if (backupsArn is not null)
            {
                all = all.Where(x => Identifiers.AutomatedBackupsArn(region, _options.AccountId, x.Record.ResourceId) == backupsArn);
            }

            foreach (var filter in filters)
            {
                all = all.Where(x => filter.Values.Any(v => filter.Name switch
                {
                    "db-instance-id" => v == x.Record.Identifier || v == InstanceArn(x.Record),
                    "dbi-resource-id" => v == x.Record.ResourceId,
                    _ => v == x.Status,
                }));
            }

            selected = all.Select(x => (x.Record.Clone(), x.Status)).Take(max).ToList();
        }
        finally
        {
            _gate.Release();
        }

        if (selected.Count == 0 && (identifier ?? resourceId ?? backupsArn) is { } asked)
        {
            throw RdsErrors.AutomatedBackupNotFound(asked);
        }

        var list = new JsonArray();
        foreach (var (record, status) in selected)
        {
            list.Add(Responses.AutomatedBackup(this, record, status, await RestoreWindowAsync(record, cancellationToken).ConfigureAwait(false)));
        }

        return new JsonObject { ["DbInstanceAutomatedBackups"] = list };
    }
}
